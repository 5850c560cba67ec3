import type { BinaryNode } from "./baileys.js";
import { type SimulatorContext, SimulatorError } from "./context.js";
import { contactSenderAttrs } from "./lid.js";
import { now } from "./messaging.js";
import { type DeliveryStatus, deliverFromContact } from "./offline-queue.js";

export const receiptTypes = ["delivered", "read"] as const;
export type ReceiptType = (typeof receiptTypes)[number];

/**
 * A contact reports, on demand, that earlier messages from the account reached it or were read: one
 * `<receipt>` naming the first id, the others in `<list><item id/>` — the form Baileys' handleReceipt
 * reads (Socket/messages-recv.js), one status update per id. Held like any stanza while no device
 * is connected, so "read while the product was down" can happen.
 */
export async function contactReceipts(
  context: SimulatorContext,
  number: string,
  type: ReceiptType,
  ids: string[],
): Promise<{ ids: string[]; status: DeliveryStatus }> {
  const contact = context.store.data.contacts[number];
  if (!contact) throw new SimulatorError(404, `number: ${number} is not a known contact`);
  const known = new Set(contact.messages.map((message) => message.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new SimulatorError(404, `ids: ${unknown.join(", ")} never reached ${number}`);
  }
  const [first, ...rest] = ids;
  if (first === undefined) throw new SimulatorError(400, "ids: at least one id");
  const node: BinaryNode = {
    tag: "receipt",
    attrs: { id: first, ...contactSenderAttrs(contact), t: now(), ...(type === "read" ? { type } : {}) },
    content:
      rest.length > 0
        ? [{ tag: "list", attrs: {}, content: rest.map((id) => ({ tag: "item", attrs: { id } })) }]
        : undefined,
  };
  const status = await deliverFromContact(context, { kind: "receipt", id: first, number }, async () => node);
  for (const id of ids) context.events.emit("receipt", { number, id, type });
  return { ids, status };
}
