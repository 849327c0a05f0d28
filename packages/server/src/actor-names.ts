import { z } from '@hono/zod-openapi';
import type { Actor } from '@assay/spec';
import type { RegistryStore } from '@assay/store';

/** Who is behind an actor id: a user's name and email, or an API key's name. */
export const ActorNameSchema = z
  .object({
    name: z.string(),
    email: z.string().optional(),
  })
  .openapi('ActorName');

/**
 * Display names of the people and keys a response mentions, keyed `user:<id>` and
 * `api-key:<id>` (issue 11: the dashboard showed UUIDs). Only ids that occur in what the caller
 * may already read are looked up, and keys only among the project's own, so this reveals no one
 * the caller could not see acting in the project.
 */
export const ActorNamesSchema = z.record(z.string(), ActorNameSchema).openapi('ActorNames');
export type ActorNames = z.infer<typeof ActorNamesSchema>;

/** An actor, or a bare user id (a review's `userId`, a `member.set` target). */
export type Named = Actor | { type: 'user'; id: string } | null | undefined;

/**
 * Looks the actors up: one read per distinct user, one list of the project's keys when a key is
 * among them. Unknown ids (a deleted user, another project's key) are left out; the client shows
 * the id then.
 *
 * @example
 * const names = await actorNames(registry, projectId, labels.map((label) => label.updatedBy));
 */
export async function actorNames(registry: RegistryStore, projectId: string, actors: Iterable<Named>): Promise<ActorNames> {
  const users = new Set<string>();
  const keys = new Set<string>();
  for (const actor of actors) {
    if (!actor?.id) continue;
    if (actor.type === 'user') users.add(actor.id);
    else if (actor.type === 'api-key') keys.add(actor.id);
  }
  const names: ActorNames = {};
  const found = await Promise.all([...users].map((id) => registry.getUser(id)));
  for (const user of found) if (user) names[`user:${user.id}`] = { name: user.name || user.email, email: user.email };
  if (keys.size > 0) {
    for (const key of await registry.listApiKeys(projectId)) if (keys.has(key.id)) names[`api-key:${key.id}`] = { name: key.name };
  }
  return names;
}
