import { baileys } from "./baileys.js";
import { readyConnections, type SimulatorContext } from "./context.js";
import type { PreKeyBundle } from "./signal-party.js";
import type { LinkedDevice } from "./store.js";

const { S_WHATSAPP_NET, unixTimestampSeconds } = baileys;

/**
 * At or below this many one-time pre-keys the server tells the device (`<notification type="encrypt">
 * <count value="N"/>`). Baileys uploads more when the count is below its MIN_PREKEY_COUNT (5),
 * Socket/messages-recv.js handleEncryptNotification.
 */
export const LOW_PRE_KEY_COUNT = 5;

/**
 * The server hands out one of the device's uploaded one-time pre-keys and forgets it, like the real
 * one; with none left the bundle carries only the signed pre-key, which still starts a valid session.
 */
export function takeDeviceBundle(context: SimulatorContext, device: LinkedDevice): PreKeyBundle {
  const [keyId] = Object.keys(device.preKeys).sort((a, b) => Number(a) - Number(b));
  const publicKey = keyId === undefined ? undefined : device.preKeys[keyId];
  if (keyId !== undefined) delete device.preKeys[keyId];
  context.store.save();
  const left = Object.keys(device.preKeys).length;
  if (left <= LOW_PRE_KEY_COUNT) notifyPreKeyCount(context, device, left);
  return {
    registrationId: device.registrationId,
    identityKey: device.identityKey,
    signedPreKey: device.signedPreKey,
    ...(keyId !== undefined && publicKey ? { preKey: { keyId: Number(keyId), publicKey } } : {}),
  };
}

function notifyPreKeyCount(context: SimulatorContext, device: LinkedDevice, count: number): void {
  for (const connection of readyConnections(context)) {
    if (connection.deviceId !== device.id) continue;
    connection.send({
      tag: "notification",
      attrs: {
        // the server's own jid on the wire has no user part, which Baileys decodes as
        // "@s.whatsapp.net" — its S_WHATSAPP_NET, the only sender handleEncryptNotification obeys
        from: S_WHATSAPP_NET,
        type: "encrypt",
        id: connection.newTag(),
        t: unixTimestampSeconds().toString(),
      },
      content: [{ tag: "count", attrs: { value: count.toString() } }],
    });
    context.events.emit("pre-key-count-sent", { deviceJid: device.jid, count });
  }
}
