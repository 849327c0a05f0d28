import { getSettings } from '../api.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/layout.tsx';
import { Loading } from '../components/loading.tsx';
import { ApiKeysSection } from '../components/settings/api-keys-section.tsx';
import { ApprovalPolicySection } from '../components/settings/approval-policy-section.tsx';
import { MembersSection } from '../components/settings/members-section.tsx';
import { PasswordSection } from '../components/settings/password-section.tsx';
import { useResource } from '../hooks/use-resource.ts';
import { useProjectRole, useSession } from '../session.tsx';
import { roleAtLeast } from '../types.ts';

/** `/p/:projectId/settings`: API keys, members and the approval policy. */
export function SettingsPage({ projectId }: { projectId: string }) {
  const { session, refresh } = useSession();
  const role = useProjectRole(projectId);
  const isAdmin = roleAtLeast(role, 'admin');
  const settings = useResource((signal) => getSettings(projectId, signal), [projectId]);

  return (
    <>
      <PageHeader
        title="Settings"
        subtitle={settings.data ? `${settings.data.project.displayName || settings.data.project.name} (${settings.data.project.name})` : undefined}
      />
      {isAdmin ? (
        <ApiKeysSection projectId={projectId} />
      ) : (
        <section className="panel">
          <h2>API keys</h2>
          <p className="muted">Only project admins manage API keys.</p>
        </section>
      )}
      <MembersSection projectId={projectId} canManage={isAdmin} canCreateUsers={session?.user?.isAdmin ?? false} currentUserId={session?.user?.id} />
      <ErrorBanner error={settings.error} />
      {!settings.data && settings.loading && <Loading what="Loading settings" />}
      {settings.data && (
        <ApprovalPolicySection
          key={settings.data.project.id}
          project={settings.data.project}
          canManage={isAdmin}
          onSaved={(project) => {
            settings.setData({ project });
            // The session's copy of the project (protected labels on the prompt pages) is now stale.
            void refresh();
          }}
        />
      )}
      {session?.user && <PasswordSection />}
    </>
  );
}
