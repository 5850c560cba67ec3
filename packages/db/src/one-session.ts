/** The trigger's message (see the single_whatsapp_session migration). */
export const ONE_SESSION_MESSAGE = "only one WhatsApp session may exist";

/**
 * Whether an error from creating a WhatsAppSession is the database refusing a second session. Prisma's
 * libsql adapter reports the trigger's RAISE (SQLITE_CONSTRAINT_TRIGGER) as a foreign-key violation, P2003,
 * and keeps the trigger's own message only in meta.driverAdapterError.cause.originalMessage.
 */
export function isOneSessionViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.message.includes(ONE_SESSION_MESSAGE)) return true;
  const cause = field(field(field(error, "meta"), "driverAdapterError"), "cause");
  const original = field(cause, "originalMessage");
  return typeof original === "string" && original.includes(ONE_SESSION_MESSAGE);
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
