import { TRPCClientError } from "@trpc/client";
import type { Messages } from "../i18n/id";

export type FieldErrors = Partial<Record<string, string>>;

export interface ReadableError {
  /** Shown next to the action that failed. */
  message: string;
  /** Shown under the matching inputs, when the server named the field at fault. */
  fieldErrors: FieldErrors;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && isRecord(error.data) && error.data.code === "UNAUTHORIZED";
}

/** The API's error formatter names the field at fault in `data.kabar.field` (e.g. "sessionId"). */
function fieldErrorsOf(data: unknown, message: string): FieldErrors {
  if (!isRecord(data) || !isRecord(data.kabar) || typeof data.kabar.field !== "string") return {};
  return { [data.kabar.field]: message };
}

export function readError(error: unknown, t: Messages): ReadableError {
  if (error instanceof TRPCClientError) {
    if (isUnauthorized(error)) return { message: t.errors.unauthorized, fieldErrors: {} };
    // fetch() rejects with a TypeError when the server cannot be reached at all.
    if (error.cause instanceof TypeError || error.message === "Failed to fetch") {
      return { message: t.errors.network, fieldErrors: {} };
    }
    const message = error.message.trim() === "" ? t.errors.generic : error.message;
    return { message, fieldErrors: fieldErrorsOf(error.data, message) };
  }
  // A REST refusal (the test send's upload) that named its field.
  if (error instanceof Error && "field" in error && typeof error.field === "string") {
    return { message: error.message, fieldErrors: { [error.field]: error.message } };
  }
  if (error instanceof Error && error.message !== "") return { message: error.message, fieldErrors: {} };
  return { message: t.errors.generic, fieldErrors: {} };
}
