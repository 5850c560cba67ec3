/**
 * Domain errors. They carry a stable code and a message a person can read; the API maps
 * each code to an HTTP/tRPC status in one place and never needs to inspect messages.
 */
export type KabarErrorCode =
  | "INVALID_INPUT"
  | "SESSION_ALREADY_EXISTS"
  | "SESSION_NOT_FOUND"
  | "DEFAULT_SESSION_UNDELETABLE"
  | "SESSION_NOT_CONNECTED"
  | "SESSION_LOCKED"
  | "MESSAGE_NOT_FOUND"
  | "MESSAGE_NOT_RESENDABLE"
  | "MESSAGE_NOT_CANCELLABLE"
  | "MEDIA_TOO_LARGE"
  | "NOT_ON_WHATSAPP"
  | "OPTED_OUT"
  | "UPLOAD_TOO_LARGE"
  | "BROADCAST_NOT_FOUND"
  | "BROADCAST_STATE"
  | "TIMEOUT";

export class KabarError extends Error {
  constructor(
    readonly code: KabarErrorCode,
    message: string,
    /** The input field at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends KabarError {
  constructor(field: string, message: string) {
    super("INVALID_INPUT", message, field);
  }
}

export class SessionAlreadyExistsError extends KabarError {
  constructor(existing: { name: string; sessionId: string }) {
    super(
      "SESSION_ALREADY_EXISTS",
      `Only one WhatsApp session is allowed; "${existing.name}" (${existing.sessionId}) already exists. Edit it or delete it first.`,
    );
  }
}

export class SessionNotFoundError extends KabarError {
  constructor(what = "No WhatsApp session exists yet; create one first.") {
    super("SESSION_NOT_FOUND", what);
  }
}

export class DefaultSessionUndeletableError extends KabarError {
  constructor(name: string) {
    super(
      "DEFAULT_SESSION_UNDELETABLE",
      `"${name}" is the default session and cannot be deleted; log it out instead, or run pnpm whatsapp:cleanup.`,
    );
  }
}

export class SessionLockedError extends KabarError {
  constructor(holder: string) {
    super("SESSION_LOCKED", `The WhatsApp session is held by another process (${holder}); stop it first.`);
  }
}

export class MessageNotFoundError extends KabarError {
  constructor(id: string) {
    super("MESSAGE_NOT_FOUND", `No message with id "${id}".`);
  }
}

export class OptedOutError extends KabarError {
  constructor(phone: string) {
    super(
      "OPTED_OUT",
      `${phone} opted out: they asked not to receive messages. Pass force: true to send anyway.`,
      "to",
    );
  }
}

export class MessageNotCancellableError extends KabarError {
  constructor(id: string, status: string) {
    super(
      "MESSAGE_NOT_CANCELLABLE",
      `Message ${id} is ${status}; only queued or held messages can be cancelled.`,
    );
  }
}

export class UploadTooLargeError extends KabarError {
  constructor(field: string, maxBytes: number) {
    super(
      "UPLOAD_TOO_LARGE",
      `${field}: the upload is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (${maxBytes} bytes); split the list.`,
      field,
    );
  }
}

export class BroadcastNotFoundError extends KabarError {
  constructor(id: string) {
    super("BROADCAST_NOT_FOUND", `No broadcast with id "${id}".`, "id");
  }
}

/** The broadcast is not in a status the action applies to (e.g. pausing a completed one). */
export class BroadcastStateError extends KabarError {
  constructor(id: string, status: string, action: string, allowed: readonly string[]) {
    super(
      "BROADCAST_STATE",
      `Broadcast ${id} is ${status}; ${action} applies only to a ${allowed.join(" or ")} broadcast.`,
    );
  }
}
