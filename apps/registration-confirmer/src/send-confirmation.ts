import type { KabarClient } from "@kabar/client";

export interface Registration {
  name: string;
  /** As the runner typed it: 0812…, +62 812-…, 62812… — Kabar normalises it. */
  phone: string;
  bib: string;
  eventName?: string;
}

export function confirmationText({ name, bib, eventName }: Registration): string {
  const event = eventName ? ` untuk ${eventName}` : "";
  return `Halo ${name}, pendaftaran Anda${event} sudah dikonfirmasi. Nomor BIB Anda: ${bib}. Sampai jumpa di garis start!`;
}

export function createConfirmer(client: KabarClient) {
  return {
    /** Queues the message; sending twice for one bib queues it once (idempotency key). */
    sendConfirmation(registration: Registration) {
      return client.messages.send.mutate({
        to: registration.phone,
        message: confirmationText(registration),
        idempotencyKey: `registration-confirmed:${registration.bib}`,
      });
    },
    /** Where a message is now: queued, sent, delivered, read or failed. */
    status(id: string) {
      return client.messages.get.query({ id });
    },
  };
}
