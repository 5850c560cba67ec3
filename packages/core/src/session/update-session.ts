import type { SessionRecord } from "../contract.js";
import { InvalidInputError, SessionNotFoundError } from "../errors.js";
import { normalizePhoneNumber } from "../phone/normalize-phone-number.js";
import { type UpdateSessionInput, updateSessionInput } from "../schemas.js";
import { parseInput } from "./parse-input.js";
import type { CredentialStore } from "./credential-store.js";
import { resolveSessionFolder } from "./session-folder.js";
import type { SessionRepository } from "./session-repository.js";

/** Edits the one session. isActive/isDefault are accepted for the seed's forms but it stays both. */
export async function updateSession(
  deps: {
    repository: SessionRepository;
    sessionsDir: string;
    credentials: CredentialStore;
    defaultCountry: () => string;
  },
  input: UpdateSessionInput,
): Promise<SessionRecord> {
  const fields = parseInput(updateSessionInput, input);
  const phoneNumber =
    typeof fields.phoneNumber === "string"
      ? normalizePhoneNumber(fields.phoneNumber, deps.defaultCountry(), "phoneNumber")
      : fields.phoneNumber;
  const current = await deps.repository.findById(fields.id);
  if (!current) throw new SessionNotFoundError(`No WhatsApp session with id "${fields.id}".`);
  if (fields.sessionId !== undefined && fields.sessionId !== current.sessionId) {
    resolveSessionFolder(deps.sessionsDir, fields.sessionId);
    // The credentials are filed under the sessionId; renaming under a linked device would orphan them.
    if (await deps.credentials.hasSaved(current.sessionId)) {
      throw new InvalidInputError(
        "sessionId",
        "sessionId cannot change while the device is linked; log out first.",
      );
    }
  }
  return deps.repository.update(fields.id, {
    ...(fields.name === undefined ? {} : { name: fields.name }),
    ...(fields.sessionId === undefined ? {} : { sessionId: fields.sessionId }),
    ...(phoneNumber === undefined ? {} : { phoneNumber }),
    ...(fields.description === undefined ? {} : { description: fields.description }),
  });
}
