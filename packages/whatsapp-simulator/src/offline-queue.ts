import type { BinaryNode } from "./baileys.js";
import type { DeviceConnection } from "./connection.js";
import { readyConnections, type SimulatorContext, SimulatorError } from "./context.js";
import type { LinkedDevice, QueuedStanza } from "./store.js";

export type DeliveryStatus = "sent" | "queued";

/**
 * Hands a contact's stanza to every linked device: at once to a connected one, into the offline
 * queue for one that is away — as the real server does, which keeps what arrives for an absent
 * companion and flushes it at its next login. `build` encrypts per device; `onSent` runs for each
 * live copy (e.g. to wait for its ack).
 */
export async function deliverFromContact(
  context: SimulatorContext,
  stanza: { kind: QueuedStanza["kind"]; id: string; number: string },
  build: (device: LinkedDevice) => Promise<BinaryNode>,
  onSent?: (connection: DeviceConnection) => void,
): Promise<DeliveryStatus> {
  const devices = context.store.activeDevices();
  if (devices.length === 0) throw new SimulatorError(409, "no device is linked to the account");
  const ready = readyConnections(context);
  let status: DeliveryStatus = "queued";
  for (const device of devices) {
    const node = await build(device);
    const connection = ready.find((candidate) => candidate.deviceId === device.id);
    if (connection) {
      onSent?.(connection);
      connection.send(node);
      status = "sent";
      continue;
    }
    context.store.data.offlineQueue.push({ ...stanza, deviceId: device.id, node, queuedAt: Date.now() });
    context.events.emit("queued", { ...stanza, deviceJid: device.jid });
  }
  context.store.save();
  return status;
}

/**
 * What the real server does at login with stanzas held for this device: `<ib><offline_preview>`
 * (Baileys answers `<offline_batch count="100">`, Socket/socket.js), then the stanzas with an
 * `offline` attribute (Baileys processes them in order and upserts messages as type `append`,
 * Socket/messages-recv.js), then `<ib><offline count="N"/></ib>`, which ends Baileys' event buffer.
 * A stanza leaves the queue only when the library acks it: a drop mid-flush re-delivers the rest.
 */
export async function flushOfflineQueue(context: SimulatorContext, connection: DeviceConnection) {
  const held = context.store.data.offlineQueue.filter((stanza) => stanza.deviceId === connection.deviceId);
  if (held.length === 0) {
    connection.send(offlineDone(0));
    return;
  }
  const batchAsked = connection.waitForNode(
    (node) => node.tag === "ib" && Array.isArray(node.content) && node.content[0]?.tag === "offline_batch",
  );
  const count = (kind: QueuedStanza["kind"]) => held.filter((stanza) => stanza.kind === kind).length;
  connection.send({
    tag: "ib",
    attrs: {},
    content: [
      {
        tag: "offline_preview",
        attrs: {
          count: held.length.toString(),
          message: count("message").toString(),
          receipt: count("receipt").toString(),
          notification: "0",
          call: "0",
          appdata: "0",
        },
      },
    ],
  });
  // the stricter choice: nothing flows before the client asks for its batch
  if (!(await batchAsked)) return;
  for (const [index, stanza] of held.entries()) {
    const acked = connection.waitForAck(stanza.id, stanza.kind);
    connection.send({ ...stanza.node, attrs: { ...stanza.node.attrs, offline: (index + 1).toString() } });
    void acked.then((isAcked) => {
      if (!isAcked) return;
      const queue = context.store.data.offlineQueue;
      const at = queue.indexOf(stanza);
      if (at >= 0) queue.splice(at, 1);
      context.store.save();
      context.events.emit("offline-delivered", {
        number: stanza.number,
        id: stanza.id,
        kind: stanza.kind,
        deviceId: stanza.deviceId,
      });
    });
  }
  connection.send(offlineDone(held.length));
}

function offlineDone(count: number): BinaryNode {
  return { tag: "ib", attrs: {}, content: [{ tag: "offline", attrs: { count: count.toString() } }] };
}
