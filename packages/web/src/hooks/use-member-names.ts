import { useMemo } from 'react';
import { listMembers } from '../api.ts';
import { useResource } from './use-resource.ts';

/** User id → display name for the project's members, to show who did what (empty until loaded). */
export function useMemberNames(projectId: string): ReadonlyMap<string, string> {
  const members = useResource((signal) => listMembers(projectId, signal), [projectId]);
  return useMemo(() => new Map((members.data?.items ?? []).map((member) => [member.user.id, member.user.name || member.user.email])), [members.data]);
}
