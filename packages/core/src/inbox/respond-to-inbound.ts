/**
 * What happens after a contact's message is stored: it is announced (`message.received`), an opt-out
 * or opt-in word changes the suppression list and is confirmed, and a keyword gets its auto-reply.
 * Replies go through the outbox with an idempotency key from the inbound message, so a crash between
 * storing and replying, or a second run, never answers twice.
 */
import type { Logger } from "pino";
import { toKeyword, type AutoReplies } from "../autoreply/auto-replies.js";
import type { InboundMessageRecord, SendResult } from "../contract.js";
import type { PublishingEventBus } from "../events/event-bus.js";
import type { Clock } from "../outbox/outbox-context.js";
import type { OptOutList } from "../optout/opt-out-list.js";
import type { SendMessageInput } from "../schemas.js";
import type { SettingsStore } from "../settings/settings-service.js";

export interface ResponderDependencies {
  events: PublishingEventBus;
  settings: SettingsStore;
  optOuts: OptOutList;
  autoReplies: AutoReplies;
  clock: Clock;
  logger: Logger;
  send(input: SendMessageInput): Promise<SendResult>;
}

export function createInboundResponder(deps: ResponderDependencies) {
  return async function respond(message: InboundMessageRecord): Promise<void> {
    deps.events.publish({ type: "message.received", message });
    // a LID-only sender has no number to reply to or to list; media captions are not commands
    if (message.from === null || message.type !== "text" || message.text === null) return;
    const from = message.from;
    const word = toKeyword(message.text);
    const settings = deps.settings.current();
    const reply = (text: string, purpose: string) =>
      // force: the confirmation of an opt-out must reach the person who just opted out
      deps.send({
        to: from,
        message: text,
        idempotencyKey: `${purpose}:${message.waMessageId}`,
        force: true,
      });

    if (settings.optOutKeywords.some((keyword) => toKeyword(keyword) === word)) {
      // one confirmation: a second "STOP" from someone already listed gets no answer
      if (await deps.optOuts.addDigits(from, "keyword")) await reply(settings.optOutReply, "opt-out");
      return;
    }
    if (settings.optInKeywords.some((keyword) => toKeyword(keyword) === word)) {
      if (await deps.optOuts.removeDigits(from)) await reply(settings.optInReply, "opt-in");
      return;
    }
    const match = await deps.autoReplies.match(word);
    if (!match) return;
    if (await deps.optOuts.isOptedOutDigits(from)) return;
    if (!(await deps.autoReplies.claim(from, match.keyword, new Date(deps.clock.now())))) {
      deps.logger.info({ keyword: match.keyword }, "auto-reply skipped: already answered within the window");
      return;
    }
    await deps.send({ to: from, message: match.reply, idempotencyKey: `auto-reply:${message.waMessageId}` });
  };
}
