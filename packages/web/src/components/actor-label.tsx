import { actorTitle, formatActor } from '../format.ts';
import type { Actor, ActorNames } from '../types.ts';

/** Who did something, by name (issue 11: people and keys showed as UUIDs); the email or id is in the tooltip. */
export function ActorLabel({ actor, names, bare = false }: { actor: Actor; names: ActorNames; /** Without the "API key" a badge beside it already says. */ bare?: boolean }) {
  const known = bare && actor.id ? names[`${actor.type}:${actor.id}`] : undefined;
  return (
    <span className="actor-name" title={actorTitle(actor, names)} data-testid="actor">
      {known ? known.name : formatActor(actor, names)}
    </span>
  );
}
