/**
 * The one verdict every fault scenario prints: per accepted send, how many copies reached its
 * recipient, and how many of them the recipient would see.
 *
 * - **By id**: a re-send with the same WhatsApp id (the outbox's answer to a lost ack, a drop, a
 *   crash) reaches the contact again, and the recipient's WhatsApp shows it once. WhatsApp publishes
 *   no document saying so; the public evidence: its own retry protocol re-sends the very same id
 *   (Baileys 6.17.16 `sendMessagesAgain` in `lib/Socket/messages-recv.js` relays with
 *   `messageId: ids[i]` when a recipient asks for a retry), official clients re-run their outbox with
 *   the same `key.id` (oxidezap/baileyrs#93), and a gateway that re-sends with a reserved id "no
 *   longer becomes a second message in WhatsApp" (fazer-ai/baileys-api#373). The simulator reproduces
 *   it: `message.count` rises and the contact keeps one message per id (its README's table, "Same id
 *   shown once"). A bot built on Baileys would see such a copy as a second upsert (baileyrs#93).
 * - **By content**: a copy of the same text under another id is a second message on the
 *   recipient's phone. That is what a recipient would see twice, and what the suites assert is 0.
 *   The scenarios give every message a unique text, so the text tells the copies apart.
 */
import type { ReceivedMessage, WhatsAppSimulator } from "@kabar/whatsapp-simulator";

/** What the outbox accepted, as stored. */
export interface AcceptedMessage {
  waMessageId: string;
  to: string;
  text: string | null;
}

export interface Tally {
  /** Sends the outbox accepted. */
  sent: number;
  /** Accepted sends that reached their recipient at least once. */
  delivered: number;
  lost: number;
  /** Accepted sends whose recipient would see more than one message: copies by content under other ids. */
  shownTwice: number;
  /** Copies of accepted texts that arrived under an id other than the message's own. */
  copiesByContent: number;
  /** Per accepted send, the copies that arrived under its own id → how many sends: { "1": 480, "2": 20 }. */
  copiesById: Record<string, number>;
  /** Extra arrivals under a message's own id (same-id re-sends), each shown once by WhatsApp. */
  resent: number;
  /** Ids a contact received that the outbox never held. */
  unexpected: number;
  /** Copies the contact could not decrypt: a simulator limit, printed so it stays visible. */
  undecrypted: number;
}

export function receivedByContacts(simulator: WhatsAppSimulator): ReceivedMessage[] {
  return [...receivedByNumber(simulator).values()].flat();
}

/** What each contact received, by its number. */
export function receivedByNumber(simulator: WhatsAppSimulator): Map<string, ReceivedMessage[]> {
  return new Map(
    simulator
      .state()
      .contacts.map((contact) => [contact.number, simulator.contacts.messages(contact.number)]),
  );
}

export function tally(
  accepted: readonly AcceptedMessage[],
  received: ReadonlyMap<string, ReceivedMessage[]>,
): Tally {
  const acceptedIds = new Set(accepted.map((message) => message.waMessageId));
  const copiesById: Record<string, number> = {};
  let delivered = 0;
  let resent = 0;
  let shownTwice = 0;
  let copiesByContent = 0;
  for (const message of accepted) {
    const atContact = received.get(message.to) ?? [];
    const own = atContact.find((copy) => copy.id === message.waMessageId);
    const arrivals = own?.count ?? 0;
    copiesById[arrivals] = (copiesById[arrivals] ?? 0) + 1;
    if (arrivals > 1) resent += arrivals - 1;
    const others =
      message.text === null
        ? []
        : atContact.filter((copy) => copy.id !== message.waMessageId && copy.text === message.text);
    copiesByContent += others.length;
    if (arrivals > 0 || others.length > 0) delivered += 1;
    if ((arrivals > 0 ? 1 : 0) + others.length > 1) shownTwice += 1;
  }
  const all = [...received.values()].flat();
  return {
    sent: accepted.length,
    delivered,
    lost: accepted.length - delivered,
    shownTwice,
    copiesByContent,
    copiesById,
    resent,
    unexpected: all.filter((message) => !acceptedIds.has(message.id)).length,
    undecrypted: all.filter((message) => message.decryptError !== undefined).length,
  };
}

export function printTally(scenario: string, result: Tally): void {
  const byId = Object.entries(result.copiesById)
    .map(([copies, sends]) => `${copies} cop${copies === "1" ? "y" : "ies"}: ${sends}`)
    .join(", ");
  console.log(
    `[fault] ${scenario}: sent ${result.sent} / delivered ${result.delivered} / lost ${result.lost} / ` +
      `shown twice ${result.shownTwice}; per accepted send, copies that reached the contact — ` +
      `by id {${byId}} (a same-id copy is shown once, as WhatsApp does), ` +
      `by content under another id ${result.copiesByContent}` +
      (result.unexpected ? ` / ids the outbox never held ${result.unexpected}` : "") +
      (result.undecrypted ? ` (simulator could not decrypt ${result.undecrypted})` : ""),
  );
}
