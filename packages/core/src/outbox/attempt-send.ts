import {
  type LinkPreview,
  type MessageLookup,
  type OutgoingMedia,
  type SentContent,
  WhatsAppSendError,
} from "../whatsapp/port.js";
import type { OutboxDependencies } from "./outbox-context.js";
import type { OutboxRow } from "./outbox-repository.js";

export type SendOutcome =
  | { kind: "acked" }
  | { kind: "timeout" }
  | { kind: "disconnected" }
  /** Worth another attempt after a backoff (socket trouble, 5xx, 429), up to the attempts limit. */
  | { kind: "transient"; detail: string }
  /** Will fail the same way every time: the message fails at once with this reason. */
  | { kind: "refused"; code: number | null; detail: string }
  /** 463: this recipient must write to us first (we hold no privacy token for them). */
  | { kind: "cold"; detail: string };

/**
 * Hands one message to the port and waits for WhatsApp's verdict: the server ack, a refusal,
 * the ack timeout, or the worker aborting (socket gone, shutting down). Listens before sending:
 * the ack can arrive before sendText resolves.
 *
 * Resolves only once the send call itself has settled too: the library commits the Signal state
 * of a send after handing it to the socket, often after the server ack, and a next send (or a
 * retry of this one) that starts before that commit reuses its counter — undecryptable for the
 * recipient.
 */
export function attemptSend(
  deps: Pick<OutboxDependencies, "port" | "repository" | "mediaStore">,
  sessionId: string,
  row: OutboxRow,
  ackTimeoutMs: number,
  exposeAbort: (abort: (outcome: SendOutcome) => void) => void,
  linkPreview: LinkPreview | null = null,
): Promise<SendOutcome> {
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    let verdict: SendOutcome | null = null;
    let isSendRunning = false;
    const offAck = deps.port.on("ack", (event) => {
      if (event.messageId === row.waMessageId) finish({ kind: "acked" });
    });
    const offError = deps.port.on("sendError", (event) => {
      if (event.messageId === row.waMessageId) finish(classifyServerError(event.code, event.detail));
    });
    const timer = setTimeout(() => finish({ kind: "timeout" }), ackTimeoutMs);
    function finish(outcome: SendOutcome): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      offAck();
      offError();
      verdict = outcome;
      if (!isSendRunning) resolve(outcome);
    }
    exposeAbort(finish);
    if (settled) return;
    isSendRunning = true;
    send(deps, sessionId, row, linkPreview)
      .catch((error: unknown) => finish(classify(error)))
      .finally(() => {
        isSendRunning = false;
        if (verdict) resolve(verdict);
      });
  });
}

async function send(
  deps: Pick<OutboxDependencies, "port" | "repository" | "mediaStore">,
  sessionId: string,
  row: OutboxRow,
  linkPreview: LinkPreview | null,
): Promise<void> {
  if (row.type === "text") {
    await deps.port.sendText(sessionId, {
      to: row.to,
      text: row.text ?? "",
      messageId: row.waMessageId,
      linkPreview,
    });
    return;
  }
  const media = await mediaOf(deps, row);
  if (media === null) throw new WhatsAppSendError(null, `message ${row.id} has no media stored`, false);
  await deps.port.sendMedia(sessionId, { ...media, to: row.to, messageId: row.waMessageId });
}

/**
 * The media of a row, read again for every attempt (nothing is kept in memory between attempts):
 * from its file, or from the row itself when an older version wrote it there.
 */
async function mediaOf(
  deps: Pick<OutboxDependencies, "repository" | "mediaStore">,
  row: OutboxRow,
): Promise<Omit<OutgoingMedia, "to" | "messageId"> | null> {
  const data =
    row.mediaSha256 === null
      ? await deps.repository.legacyMedia(row.id)
      : await deps.mediaStore.read(row.mediaSha256);
  if (data === null) return null;
  return {
    type: row.type === "image" ? "image" : "document",
    data,
    fileName: row.fileName ?? "file",
    mimeType: row.mimeType ?? "application/octet-stream",
    ...(row.caption === null ? {} : { caption: row.caption }),
  };
}

/**
 * An error code in the server's ack. 463 concerns one cold recipient (Baileys #2441, #2707); 429 is
 * a rate limit and 5xx the server's own trouble, both worth a later attempt; any other 4xx is an
 * answer about this message that will not change.
 */
export function classifyServerError(code: number, detail: string): SendOutcome {
  if (code === 463) return { kind: "cold", detail };
  if (code === 429 || code >= 500) return { kind: "transient", detail };
  return { kind: "refused", code, detail };
}

/** A send call that threw. Every outcome is bounded: transient ones by the attempts limit. */
export function classify(error: unknown): SendOutcome {
  if (error instanceof WhatsAppSendError) {
    if (error.code !== null && !error.isTransient) return classifyServerError(error.code, error.message);
    return error.isTransient
      ? { kind: "transient", detail: error.message }
      : { kind: "refused", code: error.code, detail: error.message };
  }
  // A programming error inside the library (reading a field of undefined, say) repeats on every
  // attempt with the same message: retrying it only jams the recipient's queue.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
    return { kind: "refused", code: null, detail: `${error.name}: ${error.message}` };
  }
  return { kind: "transient", detail: error instanceof Error ? error.message : String(error) };
}

/** The port's message lookup over the outbox, by WhatsApp id, for re-sends on retry receipts. */
export function outboxMessageLookup(
  deps: Pick<OutboxDependencies, "repository" | "mediaStore">,
): MessageLookup {
  return async (messageId): Promise<SentContent | null> => {
    const row = await deps.repository.findByWaMessageId(messageId);
    if (row === null) return null;
    if (row.type === "text") return row.text === null ? null : { text: row.text };
    const media = await mediaOf(deps, row);
    return media === null ? null : { media };
  };
}
