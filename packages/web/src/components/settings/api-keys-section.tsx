import { useState, type FormEvent } from 'react';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ActorLabel } from '../actor-label.tsx';
import { useAction } from '../../hooks/use-action.ts';
import { useResource } from '../../hooks/use-resource.ts';
import { roles, type ApiKey, type Role } from '../../types.ts';
import { Badge } from '../badge.tsx';
import { ConfirmButton } from '../confirm-button.tsx';
import { ErrorBanner } from '../error-banner.tsx';
import { Empty, Loading } from '../loading.tsx';
import { SelectField } from '../select-field.tsx';

/** The key's secret, shown once right after creation. */
function SecretBox({ secret, name, onDone }: { secret: string; name: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="secret-box" data-testid="secret-box">
      <strong>Copy the secret of “{name}” now.</strong> It is shown only this once; Assay stores only its hash.
      <div className="secret-row">
        <input readOnly value={secret} aria-label="API key secret" data-testid="secret-value" onFocus={(event) => event.target.select()} className="mono" />
        <button type="button" className="button" onClick={() => void copy()} data-testid="copy-secret-button">
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button button-ghost" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function keyState(key: ApiKey): { text: string; tone: 'good' | 'bad' | 'neutral' } {
  if (key.revokedAt) return { text: 'revoked', tone: 'bad' };
  if (key.expiresAt && new Date(key.expiresAt).getTime() < Date.now()) return { text: 'expired', tone: 'neutral' };
  return { text: 'active', tone: 'good' };
}

/** Project API keys (for CI and the CLI): list, create (secret shown once), revoke. */
export function ApiKeysSection({ projectId }: { projectId: string }) {
  const keys = useResource((signal) => listApiKeys(projectId, signal), [projectId]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const create = useAction(async () => {
    const answer = await createApiKey(projectId, { name, role, expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined });
    setCreated({ name: answer.apiKey.name, secret: answer.secret });
    setName('');
    setExpires('');
    keys.reload();
  });
  const revoke = useAction(async (id: string) => {
    await revokeApiKey(projectId, id);
    keys.reload();
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };

  return (
    <section className="panel" aria-labelledby="api-keys-title" data-testid="api-keys-section">
      <div className="panel-header">
        <h2 id="api-keys-title">API keys</h2>
        <span className="muted small">For CI and the CLI (<code>Authorization: Bearer assay_…</code>). Each key belongs to this project.</span>
      </div>
      {created && <SecretBox secret={created.secret} name={created.name} onDone={() => setCreated(null)} />}
      <ErrorBanner error={keys.error ?? create.error ?? revoke.error} onDismiss={create.error || revoke.error ? () => {
              create.clearError();
              revoke.clearError();
            } : undefined} />
      {!keys.data && keys.loading && <Loading what="Loading keys" />}
      {keys.data && keys.data.items.length === 0 && <Empty>No API keys yet.</Empty>}
      {keys.data && keys.data.items.length > 0 && (
        <table className="table table-compact" data-testid="api-keys-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Role</th>
              <th>Status</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((key) => {
              const state = keyState(key);
              return (
                <tr key={key.id} data-testid="api-key-row" data-key-name={key.name} data-revoked={key.revokedAt ? 'true' : 'false'}>
                  <td className="strong">{key.name}</td>
                  <td className="mono">{key.prefix}…</td>
                  <td>{key.role}</td>
                  <td>
                    <Badge tone={state.tone} title={key.revokedAt ? `Revoked ${formatDateTime(key.revokedAt)}` : undefined}>
                      {state.text}
                    </Badge>
                  </td>
                  <td className="nowrap">
                    {formatDateTime(key.createdAt)}
                    <div className="muted small">
                      {/* Keys made on the server's machine (`assay admin create-key`) have the system as their creator. */}
                      by {key.createdBy.type === 'system' ? <code>assay admin create-key</code> : <ActorLabel actor={key.createdBy} names={keys.data?.names ?? {}} />}
                    </div>
                  </td>
                  <td className="nowrap">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : <span className="muted">never</span>}</td>
                  <td className="nowrap">{key.expiresAt ? formatDateTime(key.expiresAt) : <span className="muted">never</span>}</td>
                  <td className="actions">
                    {!key.revokedAt && (
                      <ConfirmButton label="Revoke" question={`Revoke ${key.name}?`} disabled={revoke.pending} onConfirm={() => void revoke.run(key.id)} testId="revoke-button" />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={onSubmit} data-testid="create-api-key-form">
        <label className="field">
          <span>Key name</span>
          <input required value={name} onChange={(event) => setName(event.target.value)} placeholder="ci-main" />
        </label>
        <SelectField label="Key role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {roles.map((item) => (
            <option key={item} value={item}>
              {item}
            </option>
          ))}
        </SelectField>
        <label className="field">
          <span>Expires (optional)</span>
          <input type="date" value={expires} onChange={(event) => setExpires(event.target.value)} />
        </label>
        <button type="submit" className="button button-primary" disabled={create.pending} data-testid="create-api-key-submit">
          Create key
        </button>
      </form>
    </section>
  );
}
