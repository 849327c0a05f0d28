import { useState, type FormEvent } from 'react';
import { createUser, setMember } from '../../api.ts';
import { useAction } from '../../hooks/use-action.ts';
import { roles, type Role } from '../../types.ts';
import { ErrorBanner, Notice } from '../error-banner.tsx';
import { SelectField } from '../select-field.tsx';

/**
 * For instance administrators: creates a user with an initial password and adds them to the
 * project in one go. The password is typed here and told to the person out of band; it is never
 * shown again (only its hash is stored).
 */
export function CreateUserForm({ projectId, onCreated }: { projectId: string; onCreated: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [created, setCreated] = useState<string | null>(null);
  const create = useAction(async () => {
    const { user } = await createUser({ email: email.trim(), name: name.trim(), password });
    await setMember(projectId, { email: user.email, role });
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const createdEmail = email.trim();
    if (await create.run()) {
      setCreated(`${createdEmail} can now log in with the password you set, as ${role} of this project.`);
      setEmail('');
      setName('');
      setPassword('');
      onCreated();
    }
  };

  return (
    <form className="inline-form" onSubmit={(event) => void onSubmit(event)} data-testid="create-user-form">
      <ErrorBanner error={create.error} onDismiss={create.error ? create.clearError : undefined} />
      {created && (
        <Notice onDismiss={() => setCreated(null)} testId="create-user-done">
          {created}
        </Notice>
      )}
      <label className="field">
        <span>New user name</span>
        <input required value={name} onChange={(event) => setName(event.target.value)} placeholder="Sam Lee" />
      </label>
      <label className="field">
        <span>New user email</span>
        <input type="email" required value={email} onChange={(event) => setEmail(event.target.value)} placeholder="sam@example.com" />
      </label>
      <label className="field">
        <span>Initial password</span>
        <input type="password" required minLength={10} autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} />
      </label>
      <SelectField label="New user role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
        {roles.map((item) => (
          <option key={item} value={item}>
            {item}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button button-primary" disabled={create.pending} data-testid="create-user-submit">
        Create user
      </button>
    </form>
  );
}
