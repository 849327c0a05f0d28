import { useState, type FormEvent } from 'react';
import { Redirect, useLocation } from 'wouter';
import { getSetup, login } from '../api.ts';
import { ErrorBanner, Notice } from '../components/error-banner.tsx';
import { useQueryParams } from '../hooks/use-query-params.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useSession } from '../session.tsx';
import { AuthFrame } from './auth-frame.tsx';

export function LoginPage() {
  const [, navigate] = useLocation();
  const { session, signIn } = useSession();
  const requested = useQueryParams()[0].get('next') ?? '';
  // Only paths of this site: `//host` would leave it.
  const next = requested.startsWith('/') && !requested.startsWith('//') ? requested : '/';
  const setup = useResource(() => getSetup(), []);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  if (session?.user && !pending) return <Redirect to={next} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const answer = await login({ email, password });
      await signIn(answer.csrfToken);
      navigate(next, { replace: true });
    } catch (reason) {
      setError(reason);
      setPending(false);
    }
  };

  return (
    <AuthFrame title="Sign in">
      {setup.data?.needed && (
        <Notice testId="setup-needed-note">
          This server has no users yet. Open the one-time setup link that <code>assay serve</code> printed in its terminal to create the first
          administrator.
        </Notice>
      )}
      <ErrorBanner error={error} />
      <form className="form" onSubmit={(event) => void onSubmit(event)} data-testid="login-form">
        <label className="field">
          <span>Email</span>
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} autoFocus />
        </label>
        <label className="field">
          <span>Password</span>
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        </label>
        <button type="submit" className="button button-primary button-wide" disabled={pending} data-testid="login-submit">
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthFrame>
  );
}
