/**
 * The one verdict every fault scenario prints: what the outbox accepted against what the simulated
 * contacts received, by WhatsApp id. A resend with the same id only raises the simulator's per-id
 * count, so count > 1 is a duplicate the recipient would see twice.
 */
import type { ReceivedMessage, WhatsAppSimulator } from "@kabar/whatsapp-simulator";

export interface Tally {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Ids a contact received that the outbox never held (would be a bug of another kind). */
  unexpected: number;
  /** Copies the contact could not decrypt: a simulator limit, printed so it stays visible. */
  undecrypted: number;
}

export function receivedByContacts(simulator: WhatsAppSimulator): ReceivedMessage[] {
  return simulator.state().contacts.flatMap((contact) => simulator.contacts.messages(contact.number));
}

export function tally(outboxWaIds: readonly string[], received: readonly ReceivedMessage[]): Tally {
  const arrivals = new Map(received.map((message) => [message.id, message.count]));
  const expected = new Set(outboxWaIds);
  let delivered = 0;
  let duplicated = 0;
  for (const id of expected) {
    const count = arrivals.get(id) ?? 0;
    if (count > 0) delivered += 1;
    if (count > 1) duplicated += count - 1;
  }
  return {
    sent: expected.size,
    delivered,
    lost: expected.size - delivered,
    duplicated,
    unexpected: received.filter((message) => !expected.has(message.id)).length,
    undecrypted: received.filter((message) => message.decryptError !== undefined).length,
  };
}

export function printTally(scenario: string, result: Tally): void {
  console.log(
    `[fault] ${scenario}: sent ${result.sent} / delivered ${result.delivered} / lost ${result.lost} / ` +
      `duplicated ${result.duplicated}` +
      (result.unexpected ? ` / unexpected ${result.unexpected}` : "") +
      (result.undecrypted ? ` (simulator could not decrypt ${result.undecrypted})` : ""),
  );
}
