import type { Logger } from "pino";
import { interruptibleDelay } from "../outbox/interruptible-delay.js";
import type { InboundMessageRecord } from "../contract.js";
import type { WhatsAppPort } from "../whatsapp/port.js";
import type { InboundRepository } from "./inbound-repository.js";

const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 10_000;

/**
 * Stores every message contacts send, as the port reports it (live, or flushed at login), one at a
 * time in arrival order. A write that fails (the database is busy, say) is tried again: WhatsApp
 * will not deliver a message it already handed to this device, so dropping it would lose it.
 * Subscribe before the session connects, or what the server flushes at login could go unseen.
 */
export function recordInbound(deps: {
  port: WhatsAppPort;
  repository: InboundRepository;
  logger: Logger;
  /** Runs once per newly stored message, in arrival order; a redelivery does not run it again. */
  afterStore?: (message: InboundMessageRecord) => Promise<void>;
}): {
  off: () => void;
  settled: () => Promise<void>;
} {
  let chain: Promise<void> = Promise.resolve();
  let isOff = false;
  let endWait: (() => void) | null = null;
  const offIncoming = deps.port.on("incoming", (message) => {
    chain = chain.then(async () => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const stored = await deps.repository.storeOnce(message);
          if (stored && deps.afterStore) {
            // outside the retry: a failed reply must not store the message a second time
            await deps
              .afterStore(stored)
              .catch((error: unknown) =>
                deps.logger.error(
                  { err: error, messageId: message.messageId },
                  "could not answer an inbound message",
                ),
              );
          }
          return;
        } catch (error) {
          if (isOff) {
            deps.logger.error(
              { err: error, messageId: message.messageId },
              "could not store an inbound message",
            );
            return;
          }
          const delay = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** attempt);
          deps.logger.warn(
            { err: error, messageId: message.messageId },
            `could not store an inbound message; retrying in ${delay} ms`,
          );
          const wait = interruptibleDelay(delay);
          endWait = wait.cut;
          await wait.done;
          endWait = null;
        }
      }
    });
  });
  return {
    off() {
      isOff = true;
      offIncoming();
      endWait?.();
    },
    settled: () => chain,
  };
}
