/**
 * The one place where errors become something a client sees: domain codes map to tRPC codes
 * (and so to HTTP statuses), and zod issues become "field: rule" lines a person can read.
 */
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { isConnectionLost } from "@kabar/db";
import { ZodError } from "zod";
import { KabarError, type KabarErrorCode } from "./kabar.js";

type TRPCCode = TRPCError["code"];

/** Exhaustive on purpose: a new domain code fails the typecheck until it has a status. */
const DOMAIN_TO_TRPC: Record<KabarErrorCode, TRPCCode> = {
  INVALID_INPUT: "BAD_REQUEST",
  SESSION_ALREADY_EXISTS: "CONFLICT",
  SESSION_NOT_FOUND: "NOT_FOUND",
  MESSAGE_NOT_FOUND: "NOT_FOUND",
  DEFAULT_SESSION_UNDELETABLE: "BAD_REQUEST",
  SESSION_NOT_CONNECTED: "CONFLICT",
  SESSION_LOCKED: "CONFLICT",
  MESSAGE_NOT_RESENDABLE: "CONFLICT",
  MESSAGE_NOT_CANCELLABLE: "CONFLICT",
  MEDIA_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  NOT_ON_WHATSAPP: "UNPROCESSABLE_CONTENT",
  OPTED_OUT: "CONFLICT",
  UPLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  BROADCAST_NOT_FOUND: "NOT_FOUND",
  BROADCAST_STATE: "CONFLICT",
  TIMEOUT: "TIMEOUT",
};

export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) {
    if (error.cause instanceof KabarError) return toTRPCError(error.cause);
    if (error.code === "INTERNAL_SERVER_ERROR" && isConnectionLost(error.cause)) return toTRPCError(error.cause);
    // tRPC's own input validation puts zod's JSON in the message; callers get the readable lines.
    if (error.cause instanceof ZodError) {
      return new TRPCError({
        code: error.code,
        message: describeZodError(error.cause).message,
        cause: error.cause,
      });
    }
    return error;
  }
  if (error instanceof KabarError) {
    return new TRPCError({ code: DOMAIN_TO_TRPC[error.code], message: error.message, cause: error });
  }
  if (error instanceof ZodError) {
    return new TRPCError({ code: "BAD_REQUEST", message: describeZodError(error).message, cause: error });
  }
  if (isConnectionLost(error)) {
    // several nodes: this node's database connection was cut (another node may be taking over)
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: CONNECTION_LOST_MESSAGE });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error instanceof Error ? error : undefined });
}

export const CONNECTION_LOST_MESSAGE =
  "The database connection dropped during the request; send it again (with the same idempotencyKey, a message already stored is not sent twice).";

/** What every client receives in `{ error: … }` (REST) or `error.data.kabar` (tRPC). */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
}

function describeZodError(error: ZodError): { message: string; field?: string } {
  const lines = error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    // Our schemas' messages already start with the field name ("to is required").
    return path === "" || issue.message.startsWith(path) ? issue.message : `${path}: ${issue.message}`;
  });
  const first = error.issues[0];
  const field = first && first.path.length > 0 ? first.path.map(String).join(".") : undefined;
  return field === undefined ? { message: lines.join("; ") } : { message: lines.join("; "), field };
}

export const UNAUTHENTICATED_MESSAGE = "Log in, or send an API token as Authorization: Bearer <token>.";

const HIDDEN_MESSAGE = "Something went wrong on the server; the server log has the details.";

export function describeError(error: TRPCError): { status: number; body: ErrorBody } {
  const mapped = toTRPCError(error);
  const status = getHTTPStatusCodeFromError(mapped);
  const cause = mapped.cause;
  if (cause instanceof ZodError) {
    return { status, body: { code: "INVALID_INPUT", ...describeZodError(cause) } };
  }
  if (cause instanceof KabarError) {
    const body: ErrorBody = { code: cause.code, message: cause.message };
    if (cause.field !== undefined) body.field = cause.field;
    return { status, body };
  }
  // An unexpected error's message may hold internals (paths, SQL): never send it.
  const message = mapped.code === "INTERNAL_SERVER_ERROR" ? HIDDEN_MESSAGE : mapped.message;
  return { status, body: { code: mapped.code, message } };
}
