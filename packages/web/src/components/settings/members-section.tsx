import { useState, type FormEvent } from 'react';
import { listMembers, removeMember, setMember } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useAction } from '../../hooks/use-action.ts';
import { useResource } from '../../hooks/use-resource.ts';
import { roles, type Role } from '../../types.ts';
import { Badge } from '../badge.tsx';
import { ConfirmButton } from '../confirm-button.tsx';
import { CreateUserForm } from './create-user-form.tsx';
import { ErrorBanner } from '../error-banner.tsx';
import { Empty, Loading } from '../loading.tsx';
import { SelectField } from '../select-field.tsx';

/** Who may do what in the project: existing users are added by email; instance administrators can also create users. */
export function MembersSection({
  projectId,
  canManage,
  canCreateUsers,
  currentUserId,
}: {
  projectId: string;
  canManage: boolean;
  /** Instance administrators may also create users. */
  canCreateUsers: boolean;
  currentUserId: string | undefined;
}) {
  const members = useResource((signal) => listMembers(projectId, signal), [projectId]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const save = useAction(async (memberEmail: string, memberRole: Role) => {
    await setMember(projectId, { email: memberEmail, role: memberRole });
    members.reload();
  });
  const remove = useAction(async (userId: string) => {
    await removeMember(projectId, userId);
    members.reload();
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await save.run(email.trim(), role)) setEmail('');
  };

  return (
    <section className="panel" aria-labelledby="members-title" data-testid="members-section">
      <div className="panel-header">
        <h2 id="members-title">Members</h2>
        <span className="muted small">viewer &lt; editor &lt; approver &lt; admin</span>
      </div>
      <ErrorBanner error={members.error ?? save.error ?? remove.error} onDismiss={save.error || remove.error ? () => {
              save.clearError();
              remove.clearError();
            } : undefined} />
      {!members.data && members.loading && <Loading what="Loading members" />}
      {members.data && members.data.items.length === 0 && members.data.instanceAdmins.length === 0 && <Empty>No members.</Empty>}
      {members.data && (members.data.items.length > 0 || members.data.instanceAdmins.length > 0) && (
        <table className="table table-compact" data-testid="members-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.data.items.map((member) => (
              <tr key={member.user.id} data-testid="member-row" data-email={member.user.email}>
                <td className="strong">
                  {member.user.name}
                  {member.user.isAdmin && (
                    <>
                      {' '}
                      <Badge tone="info" title="Instance administrator">
                        instance admin
                      </Badge>
                    </>
                  )}
                  {member.user.id === currentUserId && <span className="muted"> (you)</span>}
                </td>
                <td>{member.user.email}</td>
                <td>
                  {canManage ? (
                    <select
                      aria-label={`Role of ${member.user.email}`}
                      value={member.role}
                      disabled={save.pending}
                      onChange={(event) => void save.run(member.user.email, event.target.value as Role)}
                      data-testid="member-role"
                    >
                      {roles.map((item) => (
                        <option key={item} value={item}>
                          {item}
                        </option>
                      ))}
                    </select>
                  ) : (
                    member.role
                  )}
                </td>
                <td className="nowrap">{formatDateTime(member.createdAt)}</td>
                <td className="actions">
                  {canManage && (
                    <ConfirmButton label="Remove" question={`Remove ${member.user.email}?`} disabled={remove.pending} onConfirm={() => void remove.run(member.user.id)} testId="remove-member-button" />
                  )}
                </td>
              </tr>
            ))}
            {/* Issue 11: a project made by `assay admin create-key` has no members, but its instance administrators work in it. */}
            {members.data.instanceAdmins.map((user) => (
              <tr key={user.id} data-testid="member-row" data-email={user.email} data-instance-admin="true">
                <td className="strong">
                  {user.name}{' '}
                  <Badge tone="info" title="Instance administrator">
                    instance admin
                  </Badge>
                  {user.id === currentUserId && <span className="muted"> (you)</span>}
                </td>
                <td>{user.email}</td>
                <td data-testid="member-role-text">admin</td>
                <td className="muted small" colSpan={2}>
                  Not a member: reaches every project as an instance administrator.
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && (
        <form className="inline-form" onSubmit={(event) => void onSubmit(event)} data-testid="add-member-form">
          <label className="field">
            <span>Member email</span>
            <input type="email" required value={email} onChange={(event) => setEmail(event.target.value)} placeholder="someone@example.com" />
          </label>
          <SelectField label="Member role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {roles.map((item) => (
              <option key={item} value={item}>
                {item}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button button-primary" disabled={save.pending} data-testid="add-member-submit">
            Add member
          </button>
        </form>
      )}
      {canCreateUsers && (
        <>
          <h3>New user</h3>
          <p className="muted small">Someone without an account: set an initial password and tell it to them; they join this project with the role chosen.</p>
          <CreateUserForm projectId={projectId} onCreated={members.reload} />
        </>
      )}
    </section>
  );
}
