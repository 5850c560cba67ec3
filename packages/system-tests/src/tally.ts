/**
 * The one verdict every fault scenario prints: what the outbox accepted against what the simulated
 * contacts received, by WhatsApp id. WhatsApp shows a recipient one message per id, so a re-send
 * with the same id (the outbox's answer to a lost ack, a drop or a crash) is shown once: it is
 * counted as `resent`, not as a duplicate. A duplicate the recipient would see is a copy under an
 * id the outbox never gave that message — the outbox gives each message exactly one id, so every
 * id it does not hold is one.
 */
import type { ReceivedMessage, WhatsAppSimulator } from "@kabar/whatsapp-simulator";

export interface Tally {
  sent: number;
  delivered: number;
  lost: number;
  /** Copies the recipient would see twice: arrivals under an id the outbox does not hold. */
  duplicated: number;
  /** Ids a contact received that the outbox never held (the same count as duplicated). */
  unexpected: number;
  /** Extra arrivals of an id already received: same-id re-sends, shown once by WhatsApp. */
  resent: number;
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
  let resent = 0;
  for (const id of expected) {
    const count = arrivals.get(id) ?? 0;
    if (count > 0) delivered += 1;
    if (count > 1) resent += count - 1;
  }
  const unexpected = received.filter((message) => !expected.has(message.id)).length;
  return {
    sent: expected.size,
    delivered,
    lost: expected.size - delivered,
    duplicated: unexpected,
    unexpected,
    resent,
    undecrypted: received.filter((message) => message.decryptError !== undefined).length,
  };
}

export function printTally(scenario: string, result: Tally): void {
  console.log(
    `[fault] ${scenario}: sent ${result.sent} / delivered ${result.delivered} / lost ${result.lost} / ` +
      `duplicated ${result.duplicated}` +
      (result.resent ? ` (re-sent with the same id, shown once: ${result.resent})` : "") +
      (result.unexpected ? ` / unexpected ${result.unexpected}` : "") +
      (result.undecrypted ? ` (simulator could not decrypt ${result.undecrypted})` : ""),
  );
}
