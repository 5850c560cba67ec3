/**
 * Cold contacts: people who never wrote to the account. Real WhatsApp refuses a 1:1 message to them
 * from a number it does not trust with ack error 463 (NackCallerReachoutTimelocked, Baileys #2441,
 * #2707): the sender holds no privacy token for them. Once the contact writes, the server hands the
 * account their token in a `privacy_token` notification (Baileys' processNotification in
 * Socket/messages-recv.js) and messages to them go through.
 */
import { randomBytes } from "node:crypto";
import { baileys } from "./baileys.js";
import type { DeviceConnection } from "./connection.js";
import { readyConnections, type SimulatorContext } from "./context.js";

/** The ack a message to a still-cold contact gets, or undefined when the contact may be written to. */
export function coldContactRefusal(context: SimulatorContext, number: string): number | undefined {
  return context.store.data.contacts[number]?.cold === true ? 463 : undefined;
}

/**
 * The contact writes to the account for the first time: it is no longer cold, and every connected
 * device of the account gets the contact's privacy token. Sent before the message itself, as the
 * token is what the server issues on the contact's first message.
 */
export async function warmUpContact(context: SimulatorContext, number: string): Promise<void> {
  const contact = context.store.data.contacts[number];
  if (contact?.cold !== true) return;
  contact.cold = false;
  context.store.save();
  const jid = `${number}@s.whatsapp.net`;
  const t = baileys.unixTimestampSeconds().toString();
  await Promise.all(
    readyConnections(context).map((connection: DeviceConnection) => {
      const id = randomBytes(6).toString("hex");
      const acked = connection.waitForAck(id, "notification");
      connection.send({
        tag: "notification",
        attrs: { from: jid, type: "privacy_token", id, t },
        content: [
          {
            tag: "tokens",
            attrs: {},
            // Baileys 6.17.16 keys the token by the token's jid attribute (chats.update id).
            content: [{ tag: "token", attrs: { jid, t, type: "trusted_contact" }, content: randomBytes(32) }],
          },
        ],
      });
      return acked;
    }),
  );
  context.events.emit("privacy-token", { number });
}
