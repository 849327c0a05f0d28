import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { completeSetup, getSetup } from '../api.ts';
import { ErrorBanner, Notice } from '../components/error-banner.tsx';
import { Loading } from '../components/loading.tsx';
import { useQueryParams } from '../hooks/use-query-params.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useSession } from '../session.tsx';
import { AuthFrame } from './auth-frame.tsx';

/** First run: `/setup?token=…` (the link `assay serve` prints) creates the first administrator. */
export function SetupPage() {
  const [, navigate] = useLocation();
  const token = useQueryParams()[0].get('token') ?? '';
  const { signIn } = useSession();
  const setup = useResource(() => getSetup(), []);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const answer = await completeSetup({ token, email, name, password });
      await signIn(answer.csrfToken);
      navigate('/', { replace: true });
    } catch (reason) {
      setError(reason);
      setPending(false);
    }
  };

  if (setup.loading && !setup.data) return <AuthFrame title="Set up Assay"><Loading /></AuthFrame>;

  if (setup.data && !setup.data.needed && !pending) {
    return (
      <AuthFrame title="Set up Assay">
        <Notice testId="setup-done-note">
          This server is already set up. <Link href="/login">Sign in</Link> instead.
        </Notice>
      </AuthFrame>
    );
  }

  return (
    <AuthFrame title="Set up Assay">
      <p className="muted">Create the first administrator. The setup link works once.</p>
      {!token && (
        <Notice testId="setup-token-missing">
          This link has no setup token. Use the full link printed by <code>assay serve</code>.
        </Notice>
      )}
      <ErrorBanner error={error ?? setup.error} />
      <form className="form" onSubmit={(event) => void onSubmit(event)} data-testid="setup-form">
        <label className="field">
          <span>Email</span>
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} autoFocus />
        </label>
        <label className="field">
          <span>Name</span>
          <input type="text" name="name" autoComplete="name" required value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={10}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <small className="hint">At least 10 characters.</small>
        </label>
        <button type="submit" className="button button-primary button-wide" disabled={pending || !token} data-testid="setup-submit">
          {pending ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </AuthFrame>
  );
}
