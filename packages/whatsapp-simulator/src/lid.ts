import { baileys } from "./baileys.js";
import type { SimulatorContext } from "./context.js";
import type { ContactRecord } from "./store.js";

const { jidDecode } = baileys;

/**
 * Who a jid the library addresses names. The library may address a contact (or the account) by
 * phone number (`<n>@s.whatsapp.net`) or by LID (`<lid>@lid`, e.g. when it replies to the chat id a
 * LID message came with): both reach the same person.
 */
export type AddressedUser =
  | { kind: "account"; device: number }
  | { kind: "contact"; number: string; device: number }
  | { kind: "unknown"; device: number };

export function resolveJid(context: SimulatorContext, jid: string | undefined): AddressedUser {
  const decoded = jid ? jidDecode(jid) : undefined;
  const device = decoded?.device ?? 0;
  const user = decoded?.user ?? "";
  const { store } = context;
  if (decoded?.server === "lid") {
    if (user === store.accountLid) return { kind: "account", device };
    const contact = store.contactByLid(user);
    return contact ? { kind: "contact", number: contact.number, device } : { kind: "unknown", device };
  }
  if (decoded?.server !== "s.whatsapp.net" || !user) return { kind: "unknown", device };
  if (user === store.accountNumber) return { kind: "account", device };
  return { kind: "contact", number: user, device };
}

/**
 * The attributes that say who a contact's stanza comes from. Real WhatsApp sends many one-to-one
 * messages and receipts from `<lid>@lid` with the phone number in `sender_pn` (Baileys #1718, #2124;
 * Baileys 6.17.16 reads `sender_pn` only for `SHARE_PHONE_NUMBER`, Socket/messages-recv.js).
 */
export function contactSenderAttrs(contact: ContactRecord): Record<string, string> {
  const phoneJid = `${contact.number}@s.whatsapp.net`;
  return contact.lid ? { from: `${contact.lid}@lid`, sender_pn: phoneJid } : { from: phoneJid };
}

/** `lid` as the account's device carries it in `success` / `pair-success`: `<lid>:<device>@lid`. */
export function accountDeviceLid(context: SimulatorContext, deviceId: number): string {
  return `${context.store.accountLid}:${deviceId}@lid`;
}
