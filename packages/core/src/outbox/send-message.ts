import type { MediaInput, SendOptions, SendResult } from "../contract.js";
import { KabarError, OptedOutError } from "../errors.js";
import type { PublishingEventBus } from "../events/event-bus.js";
import { normalizePhoneNumber } from "../phone/normalize-phone-number.js";
import { type MessageStatus, type SendMessageInput, sendMessageInput } from "../schemas.js";
import type { SettingsStore } from "../settings/settings-service.js";
import { toStatus } from "./apply-acks.js";
import { newMessageId, newWaMessageId } from "./message-ids.js";
import type { Clock } from "./outbox-context.js";
import type { NewOutboxMessage, OutboxRepository, OutboxRow } from "./outbox-repository.js";
import { parseInput } from "../session/parse-input.js";
import type { MediaStore } from "./media-store.js";
import type { HandOff } from "./hand-off.js";
import { mediaInputSchema, readMedia } from "./read-media.js";

export interface SendDependencies {
  repository: OutboxRepository;
  events: PublishingEventBus;
  settings: SettingsStore;
  clock: Clock;
  mediaStore: MediaStore;
  /** The session messages go out on, and whether sessionName had to fall back to it. */
  resolveSession(
    sessionName: string | undefined,
  ): Promise<{ sessionId: string; usedDefaultSession: boolean }>;
  wake(): void;
  /** The idle worker, reserved for this message (hand-off.ts), or null: queue it. */
  reserveHandOff?(): HandOff | null;
  /** The opt-out list: a send to a number on it is refused unless forced. */
  isOptedOut?(phone: string): Promise<boolean>;
}

const DEFAULT_WAIT_MS = 60_000;
const SENT_OR_LATER = new Set<MessageStatus>(["sent", "delivered", "read", "failed"]);

/** Queues a text: validated, normalised, written to the outbox before anything else. */
export async function sendMessage(
  deps: SendDependencies,
  input: SendMessageInput,
  options: SendOptions = {},
) {
  const parsed = parseInput(sendMessageInput, input);
  const to = normalizePhoneNumber(parsed.to, deps.settings.current().defaultCountry);
  if (parsed.force !== true && (await deps.isOptedOut?.(to))) throw new OptedOutError(to);
  const { sessionId, usedDefaultSession } = await deps.resolveSession(parsed.sessionName);
  return enqueue(deps, options, usedDefaultSession, {
    id: newMessageId(deps.clock.now()),
    acceptedAt: new Date(deps.clock.now()),
    waMessageId: newWaMessageId(),
    idempotencyKey: parsed.idempotencyKey ?? null,
    sessionId,
    to,
    type: "text",
    text: parsed.message,
    caption: null,
    fileName: null,
    mimeType: null,
    mediaSha256: null,
    mediaSize: null,
  });
}

/**
 * Queues an image or document. The bytes go to the media store (one file per content) before the
 * row that names them is written, so a restart loses nothing and a crash in between leaves only an
 * unreferenced file, which pruneMedia removes.
 */
export async function sendMedia(
  deps: SendDependencies,
  type: "image" | "document",
  input: MediaInput,
  options: SendOptions = {},
): Promise<SendResult> {
  const parsed = parseInput(mediaInputSchema, input);
  const to = normalizePhoneNumber(parsed.to, deps.settings.current().defaultCountry);
  if (parsed.force !== true && (await deps.isOptedOut?.(to))) throw new OptedOutError(to);
  const media = await readMedia(type, input);
  const { sessionId } = await deps.resolveSession(undefined);
  const stored = await deps.mediaStore.put(media.data);
  return enqueue(deps, options, false, {
    id: newMessageId(deps.clock.now()),
    acceptedAt: new Date(deps.clock.now()),
    waMessageId: newWaMessageId(),
    idempotencyKey: parsed.idempotencyKey ?? null,
    sessionId,
    to,
    type,
    text: null,
    caption: parsed.caption ?? null,
    fileName: media.fileName,
    mimeType: media.mimeType,
    mediaSha256: stored.sha256,
    mediaSize: stored.size,
  });
}

async function enqueue(
  deps: SendDependencies,
  options: SendOptions,
  usedDefaultSession: boolean,
  message: NewOutboxMessage,
): Promise<SendResult> {
  // Listen before inserting: on a fast connection "sent" can come before insert() returns.
  const seen = new Map<string, MessageStatus>();
  let notify: (() => void) | null = null;
  const off =
    options.waitFor === "sent"
      ? deps.events.on(({ event }) => {
          if (event.type !== "message.status") return;
          seen.set(event.message.id, event.message.status);
          notify?.();
        })
      : () => {};
  try {
    // Asked by the insert at most once, when no other insert is ahead of this one.
    let handOff: HandOff | null = null;
    const claim = (): boolean => {
      handOff = deps.reserveHandOff?.() ?? null;
      return handOff !== null;
    };
    let inserted: Awaited<ReturnType<typeof deps.repository.insert>>;
    try {
      inserted = await deps.repository.insert(message, claim);
    } catch (error) {
      releaseHandOff(handOff);
      throw error;
    }
    const { row, duplicate, timeline } = inserted;
    if (duplicate) releaseHandOff(handOff);
    else {
      deps.events.publish({
        type: "message.status",
        message: {
          id: row.id,
          to: row.to,
          status: "queued",
          detail: null,
          at: message.acceptedAt.toISOString(),
        },
      });
      if (!handOverTo(handOff, row, timeline)) deps.wake();
    }
    // A handed-off row is stored "sending"; what was accepted is a queued message, whose
    // "sending" event follows from the worker (as for one it reads from the queue).
    let status = duplicate ? toStatus(row.status) : "queued";
    if (options.waitFor === "sent" && !SENT_OR_LATER.has(status)) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
      const deadline = Date.now() + timeoutMs;
      // A duplicate may have been sent before we started listening: read it once. A new message was
      // listened for since before its insert, so what it reached is known (no read on the send's path).
      status = duplicate
        ? toStatus((await deps.repository.findById(row.id))?.status ?? status)
        : (seen.get(row.id) ?? status);
      while (!SENT_OR_LATER.has(status)) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new KabarError(
            "TIMEOUT",
            `Message ${row.id} was not sent within ${timeoutMs} ms; it stays ${status} and will still go out.`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          notify = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        notify = null;
        status = seen.get(row.id) ?? status;
      }
    }
    return { id: row.id, status, to: row.to, usedDefaultSession, duplicate };
  } finally {
    off();
  }
}

// (Functions, not inline calls: TypeScript narrows a variable a closure assigns to `never` here.)
function releaseHandOff(handOff: HandOff | null): void {
  handOff?.release();
}

function handOverTo(
  handOff: HandOff | null,
  row: OutboxRow,
  timeline: Promise<unknown> | undefined,
): boolean {
  if (handOff === null) return false;
  handOff.handOver(row, timeline);
  return true;
}
