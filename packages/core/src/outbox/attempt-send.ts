import { WhatsAppSendError } from "../whatsapp/port.js";
import type { OutboxDependencies } from "./outbox-context.js";
import type { OutboxRow } from "./outbox-repository.js";

export type SendOutcome =
  | { kind: "acked" }
  | { kind: "timeout" }
  | { kind: "disconnected" }
  | { kind: "transient"; detail: string }
  | { kind: "refused"; code: number | null; detail: string };

/**
 * Hands one message to the port and waits for WhatsApp's verdict: the server ack, a refusal,
 * the ack timeout, or the worker aborting (socket gone, shutting down). Listens before sending:
 * the ack can arrive before sendText resolves.
 */
export function attemptSend(
  deps: Pick<OutboxDependencies, "port" | "repository">,
  sessionId: string,
  row: OutboxRow,
  ackTimeoutMs: number,
  exposeAbort: (abort: (outcome: SendOutcome) => void) => void,
): Promise<SendOutcome> {
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const offAck = deps.port.on("ack", (event) => {
      if (event.messageId === row.waMessageId) finish({ kind: "acked" });
    });
    const offError = deps.port.on("sendError", (event) => {
      if (event.messageId === row.waMessageId)
        finish({ kind: "refused", code: event.code, detail: event.detail });
    });
    const timer = setTimeout(() => finish({ kind: "timeout" }), ackTimeoutMs);
    function finish(outcome: SendOutcome): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      offAck();
      offError();
      resolve(outcome);
    }
    exposeAbort(finish);
    if (!settled) send(deps, sessionId, row).catch((error: unknown) => finish(classify(error)));
  });
}

async function send(
  deps: Pick<OutboxDependencies, "port" | "repository">,
  sessionId: string,
  row: OutboxRow,
): Promise<void> {
  if (row.type === "text") {
    await deps.port.sendText(sessionId, { to: row.to, text: row.text ?? "", messageId: row.waMessageId });
    return;
  }
  const data = await deps.repository.media(row.id);
  if (data === null) throw new WhatsAppSendError(null, `message ${row.id} has no media stored`, false);
  await deps.port.sendMedia(sessionId, {
    to: row.to,
    type: row.type === "image" ? "image" : "document",
    data,
    fileName: row.fileName ?? "file",
    mimeType: row.mimeType ?? "application/octet-stream",
    ...(row.caption === null ? {} : { caption: row.caption }),
    messageId: row.waMessageId,
  });
}

function classify(error: unknown): SendOutcome {
  if (error instanceof WhatsAppSendError) {
    return error.isTransient
      ? { kind: "transient", detail: error.message }
      : { kind: "refused", code: error.code, detail: error.message };
  }
  // Anything the adapter did not classify is treated as passing trouble: retried with backoff,
  // never silently dropped.
  return { kind: "transient", detail: error instanceof Error ? error.message : String(error) };
}
