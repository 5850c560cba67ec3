/**
 * The inbox as the panel uses it: contacts with unread counts, a thread both ways, read marks, and a
 * reply that goes through the outbox like any other message.
 */
import type { InboxService, MessageService } from "../contract.js";
import type { Clock } from "../outbox/outbox-context.js";
import type { OptOutList } from "../optout/opt-out-list.js";
import { normalizePhoneNumber } from "../phone/normalize-phone-number.js";
import { contactInput, inboxThreadInput } from "../schemas.js";
import { parseInput } from "../session/parse-input.js";
import type { SettingsStore } from "../settings/settings-service.js";
import type { InboxRepository } from "./inbox-repository.js";

export function createInboxService(deps: {
  repository: InboxRepository;
  optOuts: OptOutList;
  settings: SettingsStore;
  clock: Clock;
  send: MessageService["send"];
}): InboxService {
  // a LID (15 digits, no country) is looked up as given; a number is normalised like a send's `to`
  const toContact = (phone: string) => {
    const digits = phone.replace(/\D/g, "");
    try {
      return normalizePhoneNumber(phone, deps.settings.current().defaultCountry);
    } catch {
      return digits;
    }
  };
  return {
    async contacts() {
      const contacts = await deps.repository.contacts();
      return Promise.all(
        contacts.map(async (contact) => ({
          ...contact,
          optedOut: !contact.isLid && (await deps.optOuts.isOptedOutDigits(contact.phone)),
        })),
      );
    },
    async thread(input) {
      const parsed = parseInput(inboxThreadInput, input);
      return deps.repository.thread(toContact(parsed.phone), parsed.limit);
    },
    async markRead(input) {
      const parsed = parseInput(contactInput, input);
      return { marked: await deps.repository.markRead(toContact(parsed.phone), new Date(deps.clock.now())) };
    },
    reply(input) {
      return deps.send({ to: input.phone, message: input.message, ...(input.force ? { force: true } : {}) });
    },
  };
}
