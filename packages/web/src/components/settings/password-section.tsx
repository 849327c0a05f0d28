import { useState, type FormEvent } from 'react';
import { changePassword } from '../../api.ts';
import { useAction } from '../../hooks/use-action.ts';
import { useSession } from '../../session.tsx';
import { ErrorBanner, Notice } from '../error-banner.tsx';

/** The logged-in person's own password. Changing it logs out their other browsers. */
export function PasswordSection() {
  const { signIn } = useSession();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [done, setDone] = useState(false);
  const change = useAction(async () => {
    const { csrfToken } = await changePassword({ currentPassword, newPassword });
    await signIn(csrfToken);
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    if (await change.run()) {
      setCurrentPassword('');
      setNewPassword('');
      setDone(true);
    }
  };

  return (
    <section className="panel" aria-labelledby="password-title" data-testid="password-section">
      <div className="panel-header">
        <h2 id="password-title">Your password</h2>
      </div>
      <ErrorBanner error={change.error} onDismiss={change.error ? change.clearError : undefined} />
      {done && (
        <Notice onDismiss={() => setDone(false)} testId="password-changed">
          Password changed. Your other sessions have been logged out.
        </Notice>
      )}
      <form className="inline-form" onSubmit={(event) => void onSubmit(event)}>
        <label className="field">
          <span>Current password</span>
          <input type="password" required autoComplete="current-password" value={currentPassword} onChange={(event) => setCurrentPassword(event.target.value)} />
        </label>
        <label className="field">
          <span>New password</span>
          <input type="password" required minLength={10} autoComplete="new-password" value={newPassword} onChange={(event) => setNewPassword(event.target.value)} />
        </label>
        <button type="submit" className="button button-primary" disabled={change.pending} data-testid="change-password-submit">
          Change password
        </button>
      </form>
    </section>
  );
}
