import { DefaultSessionUndeletableError, SessionNotFoundError } from "../errors.js";
import type { SessionRepository } from "./session-repository.js";

/**
 * The one session is always the default, so deleting it is always refused: a product with no
 * session cannot send, and the credentials would be orphaned. Logging out is the way to unlink.
 * `id` is the database id or the sessionId: the seed's example passes `?id={sessionId}`.
 */
export async function deleteSession(deps: { repository: SessionRepository }, id: string): Promise<never> {
  const session = (await deps.repository.findById(id)) ?? (await deps.repository.findBySessionId(id));
  if (!session) throw new SessionNotFoundError(`No WhatsApp session with id or sessionId "${id}".`);
  throw new DefaultSessionUndeletableError(session.name);
}
