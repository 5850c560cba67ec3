import { isOneSessionViolation } from "@kabar/db";
import type { SessionRecord } from "../contract.js";
import { SessionAlreadyExistsError } from "../errors.js";
import { normalizePhoneNumber } from "../phone/normalize-phone-number.js";
import { type CreateSessionInput, createSessionInput } from "../schemas.js";
import { parseInput } from "./parse-input.js";
import { resolveSessionFolder } from "./session-folder.js";
import type { SessionRepository } from "./session-repository.js";

/**
 * The one-session rule, in the one place core enforces it (the database trigger is the second
 * fence, for two requests racing). Nothing is written when the input is invalid.
 */
export async function createSession(
  deps: { repository: SessionRepository; sessionsDir: string; defaultCountry: () => string },
  input: CreateSessionInput,
): Promise<SessionRecord> {
  const fields = parseInput(createSessionInput, input);
  const phoneNumber =
    fields.phoneNumber === null
      ? null
      : normalizePhoneNumber(fields.phoneNumber, deps.defaultCountry(), "phoneNumber");
  resolveSessionFolder(deps.sessionsDir, fields.sessionId);
  const existing = await deps.repository.findTheOne();
  if (existing) throw new SessionAlreadyExistsError(existing.record);
  try {
    return await deps.repository.create({
      name: fields.name,
      sessionId: fields.sessionId,
      phoneNumber,
      description: fields.description,
    });
  } catch (error) {
    if (!isOneSessionViolation(error)) throw error;
    const winner = await deps.repository.findTheOne();
    throw new SessionAlreadyExistsError(winner?.record ?? { name: "another session", sessionId: "?" });
  }
}
