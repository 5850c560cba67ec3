import type { DisconnectKind } from "../../port.js";

/** Baileys' message when the server's QR refs ran out; its status code (408) is shared with keep-alive loss. */
const QR_REFS_ENDED = "QR refs attempts ended";

export interface ClassifiedDisconnect {
  kind: DisconnectKind;
  statusCode: number | null;
  detail: string;
}

/**
 * Turns Baileys' `lastDisconnect.error` (a Boom, or nothing when we ended the socket) into the
 * reason core acts on. The status code decides, as in Baileys' DisconnectReason.
 */
export function classifyDisconnect(error: unknown): ClassifiedDisconnect {
  const statusCode = statusCodeOf(error);
  const message = error instanceof Error ? error.message : "connection closed";
  const detail = statusCode === null ? message : `${message} (${statusCode})`;
  return { kind: kindOf(statusCode, message), statusCode, detail };
}

function kindOf(statusCode: number | null, message: string): DisconnectKind {
  switch (statusCode) {
    case 401:
      return "logged_out";
    case 515:
      return "restart_required";
    case 440:
      return "connection_replaced";
    case 403:
      return "banned";
    case 405:
      return "client_too_old";
    case 503:
      return "service_unavailable";
    case 408:
      return message.includes(QR_REFS_ENDED) ? "qr_expired" : "connection_lost";
    case 428:
    case null:
      return "connection_closed";
    default:
      return "other";
  }
}

/** The HTTP-like status code Baileys puts on its Boom errors, if any. */
export function statusCodeOf(error: unknown): number | null {
  if (typeof error !== "object" || error === null || !("output" in error)) return null;
  const output: unknown = error.output;
  if (typeof output !== "object" || output === null || !("statusCode" in output)) return null;
  return typeof output.statusCode === "number" ? output.statusCode : null;
}
