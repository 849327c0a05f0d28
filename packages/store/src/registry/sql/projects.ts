import { randomUUID } from 'node:crypto';
import {
  CreateOrganizationInputSchema,
  CreateProjectInputSchema,
  ProjectSettingsSchema,
  SlugSchema,
  type AuditContext,
  type CreateOrganizationInput,
  type CreateProjectInput,
  type Organization,
  type Project,
  type ProjectSettingsInput,
} from '@assay/spec';
import type { RegistryProjects } from '../registry-store.ts';
import { insertUnique, notFound, parse, parseContext } from './errors.ts';
import { iso, json } from './rows.ts';
import { SqlPart, type Db, type Row } from './sql-context.ts';

/** Organizations and projects. */
export class SqlProjects extends SqlPart implements RegistryProjects {
  async createOrganization(input: CreateOrganizationInput, context: AuditContext): Promise<Organization> {
    const parsed = parse(CreateOrganizationInputSchema, input);
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const row = { id: randomUUID(), name: parsed.name, display_name: parsed.displayName ?? parsed.name, created_at: this.sql.timestamp() };
      await insertUnique(trx.insertInto('organizations').values(row), `An organization named "${parsed.name}" already exists.`);
      await this.sql.audit(trx, null, audit, 'organization.create', 'organization', row.id, { name: row.name });
      return toOrganization(row);
    });
  }

  async getOrganization(organizationId: string): Promise<Organization | undefined> {
    const row = await this.sql.db.selectFrom('organizations').selectAll().where('id', '=', organizationId).executeTakeFirst();
    return row && toOrganization(row);
  }

  async getOrganizationByName(name: string): Promise<Organization | undefined> {
    const row = await this.sql.db.selectFrom('organizations').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toOrganization(row);
  }

  async listOrganizations(): Promise<Organization[]> {
    return (await this.sql.db.selectFrom('organizations').selectAll().orderBy('name').execute()).map(toOrganization);
  }

  async createProject(organizationId: string, input: CreateProjectInput, context: AuditContext): Promise<Project> {
    const parsed = parse(CreateProjectInputSchema, input);
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const organization = await trx.selectFrom('organizations').select('id').where('id', '=', organizationId).executeTakeFirst();
      if (!organization) throw notFound('organization', organizationId);
      const settings = parsed.settings ?? ProjectSettingsSchema.parse({});
      const row = {
        id: randomUUID(),
        organization_id: organizationId,
        name: parsed.name,
        display_name: parsed.displayName ?? parsed.name,
        settings_json: JSON.stringify(settings),
        created_at: this.sql.timestamp(),
      };
      await insertUnique(trx.insertInto('projects').values(row), `The organization already has a project named "${parsed.name}".`);
      await this.sql.audit(trx, row.id, audit, 'project.create', 'project', row.id, { name: row.name, organizationId });
      return toProject(row);
    });
  }

  async ensureProject(names: { organization: string; project: string }, context: AuditContext): Promise<{ project: Project; created: boolean }> {
    const organizationName = parse(SlugSchema, names.organization, 'organization');
    const projectName = parse(SlugSchema, names.project, 'project');
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const now = this.sql.timestamp();
      const newOrganization = await trx
        .insertInto('organizations')
        .values({ id: randomUUID(), name: organizationName, display_name: organizationName, created_at: now })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (newOrganization) await this.sql.audit(trx, null, audit, 'organization.create', 'organization', newOrganization.id, { name: organizationName });
      const organization = await trx.selectFrom('organizations').select('id').where('name', '=', organizationName).executeTakeFirstOrThrow();
      const settings = ProjectSettingsSchema.parse({});
      const newProject = await trx
        .insertInto('projects')
        .values({
          id: randomUUID(),
          organization_id: organization.id,
          name: projectName,
          display_name: projectName,
          settings_json: JSON.stringify(settings),
          created_at: now,
        })
        .onConflict((conflict) => conflict.columns(['organization_id', 'name']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (newProject) await this.sql.audit(trx, newProject.id, audit, 'project.create', 'project', newProject.id, { name: projectName, organizationId: organization.id });
      const row = await trx
        .selectFrom('projects')
        .selectAll()
        .where('organization_id', '=', organization.id)
        .where('name', '=', projectName)
        .executeTakeFirstOrThrow();
      return { project: toProject(row), created: newProject !== undefined };
    });
  }

  async getProject(projectId: string): Promise<Project | undefined> {
    const row = await this.sql.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
    return row && toProject(row);
  }

  async getProjectByName(organizationId: string, name: string): Promise<Project | undefined> {
    const row = await this.sql.db
      .selectFrom('projects')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toProject(row);
  }

  async listProjects(options: { organizationId?: string; userId?: string } = {}): Promise<Project[]> {
    let query = this.sql.db.selectFrom('projects').selectAll('projects');
    if (options.organizationId !== undefined) query = query.where('projects.organization_id', '=', options.organizationId);
    if (options.userId !== undefined) {
      query = query
        .innerJoin('project_members', 'project_members.project_id', 'projects.id')
        .where('project_members.user_id', '=', options.userId);
    }
    const rows = await query.orderBy('projects.organization_id').orderBy('projects.name').execute();
    return rows.map((row) => toProject(row));
  }

  async updateProjectSettings(projectId: string, settings: ProjectSettingsInput, context: AuditContext): Promise<Project> {
    const parsed = parse(ProjectSettingsSchema, settings, 'settings');
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const before = await requireProject(trx, projectId);
      await trx.updateTable('projects').set({ settings_json: JSON.stringify(parsed) }).where('id', '=', projectId).execute();
      await this.sql.audit(trx, projectId, audit, 'project.update-settings', 'project', projectId, {
        before: toProject(before).settings,
        after: parsed,
      });
      return { ...toProject(before), settings: parsed };
    });
  }
}

export async function requireProject(db: Db, projectId: string): Promise<Row<'projects'>> {
  const row = await db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
  if (!row) throw notFound('project', projectId);
  return row;
}

export function toProject(row: Row<'projects'>): Project {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    displayName: row.display_name,
    // Parsed, so settings stored by an older version get the defaults of fields added since.
    settings: ProjectSettingsSchema.parse(json(row.settings_json)),
    createdAt: iso(row.created_at),
  };
}

function toOrganization(row: Row<'organizations'>): Organization {
  return { id: row.id, name: row.name, displayName: row.display_name, createdAt: iso(row.created_at) };
}
