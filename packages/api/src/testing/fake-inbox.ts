/**
 * The inbox, opt-out list and auto-replies of the FakeKabar: in memory, for the API's wiring tests
 * (validation, errors, auth). Matching and replying to contacts are proven in core against the simulator.
 */
import {
  type AutoReplyRecord,
  autoReplyInput,
  autoReplyKeywordInput,
  contactInput,
  type InboundMessageRecord,
  inboxThreadInput,
  InvalidInputError,
  type Kabar,
  type OptOutRecord,
} from "@kabar/core";

/** Digits of a number as the fake stores it; the real core normalises with the country setting. */
export function fakeDigits(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 8)
    throw new InvalidInputError("phone", "phone must be a phone number, e.g. 6281234567890");
  return digits.startsWith("0") ? `62${digits.slice(1)}` : digits;
}

export function createFakeInbox(deps: {
  inbound: InboundMessageRecord[];
  send: Kabar["messages"]["send"];
}): Pick<Kabar, "inbox" | "optOuts" | "autoReplies"> & { optedOut: Map<string, OptOutRecord> } {
  const optedOut = new Map<string, OptOutRecord>();
  const replies = new Map<string, AutoReplyRecord>();
  const from = (phone: string) => deps.inbound.filter((message) => message.from === phone);
  return {
    optedOut,
    inbox: {
      async contacts() {
        const phones = [...new Set(deps.inbound.flatMap((message) => (message.from ? [message.from] : [])))];
        return phones.flatMap((phone) => {
          const messages = from(phone);
          const lastMessage = messages.at(-1);
          if (!lastMessage) return [];
          return [
            {
              phone,
              isLid: false,
              lastMessage,
              messageCount: messages.length,
              unread: messages.filter((message) => message.readAt === null).length,
              optedOut: optedOut.has(phone),
            },
          ];
        });
      },
      async thread(input) {
        const phone = fakeDigits(inboxThreadInput.parse(input).phone);
        return from(phone).map((message) => ({ direction: "in" as const, at: message.receivedAt, message }));
      },
      async markRead(input) {
        const phone = fakeDigits(contactInput.parse(input).phone);
        const unread = from(phone).filter((message) => message.readAt === null);
        for (const message of unread) message.readAt = new Date().toISOString();
        return { marked: unread.length };
      },
      reply: (input) => deps.send({ to: input.phone, message: input.message, force: input.force ?? false }),
    },
    optOuts: {
      list: async () => [...optedOut.values()],
      async add(input) {
        const phone = fakeDigits(contactInput.parse(input).phone);
        const record = optedOut.get(phone) ?? {
          phone,
          source: "admin" as const,
          createdAt: new Date().toISOString(),
        };
        optedOut.set(phone, record);
        return record;
      },
      remove: async (input) => ({ removed: optedOut.delete(fakeDigits(contactInput.parse(input).phone)) }),
      isOptedOut: async (phone) => optedOut.has(fakeDigits(phone)),
    },
    autoReplies: {
      list: async () => [...replies.values()],
      async set(input) {
        const parsed = autoReplyInput.parse(input);
        const record = {
          keyword: parsed.keyword.toUpperCase(),
          reply: parsed.reply,
          updatedAt: new Date().toISOString(),
        };
        replies.set(record.keyword, record);
        return record;
      },
      remove: async (input) => ({
        removed: replies.delete(autoReplyKeywordInput.parse(input).keyword.toUpperCase()),
      }),
    },
  };
}
