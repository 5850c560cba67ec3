/**
 * 463 holds one recipient. WhatsApp answers 463 to a message for someone who never wrote to this
 * number (we hold no privacy token for them; Baileys #2441, #2707): their messages wait as "held",
 * with a wa.me link to share with them, and go out by themselves once they write to us. Only when
 * several distinct recipients are held within a window is it the account, and the outbox pauses.
 */
import { changeStatus, type OutboxDependencies } from "./outbox-context.js";
import type { OutboxPause } from "./outbox-pause.js";
import type { OutboxRow } from "./outbox-repository.js";
import { described } from "./detail-codes.js";
import { eventFor, lastErrorFor } from "./described-columns.js";

export { HOLD_REASON } from "./detail-codes.js";
/** What the recipient's WhatsApp puts in the chat box when they open the link: any message will do. */
const HOLD_LINK_TEXT = "Halo";

export function holdLink(linkedNumber: string | null): string | null {
  if (!linkedNumber) return null;
  return `https://wa.me/${linkedNumber}?text=${encodeURIComponent(HOLD_LINK_TEXT)}`;
}

export interface RecipientHolds {
  /** The message in flight got 463: it and the recipient's queued messages are held. */
  hold(row: OutboxRow, detail: string): Promise<void>;
  /** Listens for the held contacts writing to us; returns the unsubscribe. */
  listen(): () => void;
}

export function createRecipientHolds(
  deps: OutboxDependencies,
  pause: OutboxPause,
  wake: () => void,
): RecipientHolds {
  const { repository, clock, logger } = deps;
  // Releases run one after another: a message and its privacy token arrive together.
  let releasing: Promise<void> = Promise.resolve();

  async function hold(row: OutboxRow, detail: string): Promise<void> {
    const now = new Date(clock.now());
    const link = holdLink(deps.session.status().linkedNumber);
    const reason = described("held_first_message", { error: detail, link });
    const data = { status: "held", heldAt: now, holdLink: link, ...lastErrorFor(reason) };
    const event = eventFor("held" as const, reason);
    await changeStatus(deps, row, { from: ["sending"], data, event, publish: "held" });
    // Later messages to the same person would only get 463 too; holding them shows why they wait.
    for (const behind of await repository.queuedTo(row.to)) {
      await changeStatus(deps, behind, { from: ["queued"], data, event, publish: "held" });
    }
    const settings = deps.settings.current();
    const recipients = await repository.recipientsHeldSince(new Date(now.getTime() - settings.holdsWindowMs));
    if (recipients >= settings.holdsBeforePause) {
      pause.begin({ recipients, minutes: Math.round(settings.holdsWindowMs / 60_000) });
    }
  }

  async function release(
    from: string,
    why: "released_recipient_wrote" | "released_privacy_token",
  ): Promise<void> {
    const held = await repository.heldTo(from);
    for (const row of held) {
      await changeStatus(deps, row, {
        from: ["held"],
        data: { status: "queued", nextAttemptAt: new Date(clock.now()), ...lastErrorFor(null) },
        event: eventFor("retry", described(why, {})),
        publish: "queued",
      });
    }
    if (held.length > 0) wake();
  }

  function enqueueRelease(from: string, why: "released_recipient_wrote" | "released_privacy_token"): void {
    releasing = releasing
      .then(() => release(from, why))
      .catch((error: unknown) => logger.error({ err: error, from }, "could not release held messages"));
  }

  return {
    hold,
    listen() {
      // a sender WhatsApp named only by LID cannot be matched to a held number until it is mapped
      const offIncoming = deps.port.on("incoming", (event) => {
        if (event.from) enqueueRelease(event.from, "released_recipient_wrote");
      });
      const offToken = deps.port.on("privacyToken", (event) =>
        enqueueRelease(event.from, "released_privacy_token"),
      );
      return () => {
        offIncoming();
        offToken();
      };
    },
  };
}
