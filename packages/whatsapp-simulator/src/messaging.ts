import { randomBytes } from "node:crypto";
import { baileys, type BinaryNode, bytesOf, childOf, childrenOf, proto, type WAProto } from "./baileys.js";
import { coldContactRefusal, warmUpContact } from "./cold-contacts.js";
import type { DeviceConnection } from "./connection.js";
import { type SimulatorContext, SimulatorError } from "./context.js";
import { contactSenderAttrs, resolveJid } from "./lid.js";
import { type DeliveryStatus, deliverFromContact } from "./offline-queue.js";
import { takeDeviceBundle } from "./pre-keys.js";
import type { ReceivedMessage } from "./store.js";

const { encodeBigEndian, unixTimestampSeconds } = baileys;

export function newMessageId(): string {
  return `3EB0${randomBytes(8).toString("hex").toUpperCase()}`;
}

export function now(): string {
  return unixTimestampSeconds().toString();
}

/** A `<message>` the linked device sent: the addressed contact decrypts its copy; then ack and receipts. */
export async function handleDeviceMessage(
  context: SimulatorContext,
  connection: DeviceConnection,
  node: BinaryNode,
): Promise<void> {
  const id = node.attrs.id ?? "";
  const to = node.attrs.to ?? "";
  // addressed by phone number or by LID: both name the same contact
  const addressed = resolveJid(context, to);
  const recipient = addressed.kind === "contact" ? addressed.number : "";
  const errorCode = context.faults.takeSendError(recipient) ?? coldContactRefusal(context, recipient);
  if (errorCode !== undefined) {
    connection.send({
      tag: "ack",
      attrs: { class: "message", id, from: to, t: now(), error: errorCode.toString() },
    });
    context.events.emit("ack", { id, to, error: errorCode });
    return;
  }
  const device = connection.deviceId === undefined ? undefined : context.store.device(connection.deviceId);
  const number = addressed.kind === "contact" ? addressed.number : "";
  if (!device || !number) {
    // peer messages to the phone, groups, broadcasts: accepted, but nobody simulated reads them
    connection.send({ tag: "ack", attrs: { class: "message", id, from: to, t: now() } });
    return;
  }
  const contact = context.store.contact(number);
  const known = contact.messages.find((message) => message.id === id);
  const isDuplicate = known !== undefined;
  const message: ReceivedMessage = known ?? {
    id,
    text: "",
    from: context.store.accountNumber,
    receivedAt: Date.now(),
    count: 0,
  };
  // a resend carries the same id: count it rather than showing a second message
  message.count += 1;
  if (!known) contact.messages.push(message);
  // A copy that decrypted is not decrypted again: the resend used a new counter, which the contact's
  // ratchet simply skips. A copy that failed is retried with the resend, which is how a real phone
  // recovers after its retry receipt.
  let decryptError: string | undefined;
  if (!known || message.decryptError !== undefined) {
    try {
      message.text = await decryptForContact(context, number, device.jid, node);
      delete message.decryptError;
    } catch (error) {
      // recorded rather than fatal: a test asserting the text will show why it is missing
      decryptError = String(error);
      message.decryptError = decryptError;
    }
  }
  context.store.save();
  context.events.emit("message", { number, message: { ...message }, isDuplicate });

  const mode = context.faults.gateAck(() => {
    connection.send({ tag: "ack", attrs: { class: "message", id, from: to, t: now() } });
    context.events.emit("ack", { id, to });
    // What a phone does with a copy it cannot decrypt. A real one would also hold back delivered/read;
    // they still go out, because autoReceipts promises them for every message and core's tests count
    // them: decryptError and the retry-receipt event are what show the failure.
    if (decryptError !== undefined) sendRetryReceipt(context, connection, number, node, message.count);
    if (context.options.autoReceipts) void sendReceipts(context, connection, number, id);
  });
  if (mode === "withhold") context.events.emit("ack-withheld", { id, to });
}

/**
 * `<receipt type="retry">`, as WhatsApp's own clients send for a message they could not decrypt.
 * Baileys answers it by fetching a fresh pre-key bundle for the contact (a new Signal session, so the
 * next copies decrypt) and re-sends the message if its `getMessage` can still find it.
 */
function sendRetryReceipt(
  context: SimulatorContext,
  connection: DeviceConnection,
  number: string,
  node: BinaryNode,
  count: number,
): void {
  const id = node.attrs.id ?? "";
  const registrationId = context.store.contactParty(number).state.creds.registrationId;
  connection.send({
    tag: "receipt",
    attrs: { id, type: "retry", ...contactSenderAttrs(context.store.contact(number)), t: now() },
    content: [
      { tag: "retry", attrs: { count: count.toString(), id, t: node.attrs.t ?? now(), v: "1" } },
      { tag: "registration", attrs: {}, content: encodeBigEndian(registrationId) },
    ],
  });
  context.events.emit("retry-receipt", { number, id, count });
}

async function decryptForContact(
  context: SimulatorContext,
  number: string,
  senderJid: string,
  node: BinaryNode,
): Promise<string> {
  const participants = childrenOf(childOf(node, "participants")).filter((to) => {
    const addressed = resolveJid(context, to.attrs.jid);
    return addressed.kind === "contact" && addressed.number === number;
  });
  const enc = childOf(participants[0], "enc") ?? childOf(node, "enc");
  const ciphertext = bytesOf(enc);
  const type = enc?.attrs.type;
  if (!ciphertext || (type !== "pkmsg" && type !== "msg")) {
    throw new Error(`message ${node.attrs.id} has no pkmsg/msg for ${number}`);
  }
  const message = await context.store.contactParty(number).decrypt(senderJid, type, ciphertext);
  // decoded protobuf strings default to "" rather than undefined, so `||` and not `??`
  return message.conversation || message.extendedTextMessage?.text || "";
}

/**
 * Delivered, then read. Baileys buffers the update of each incoming receipt and flushes it only after
 * it has written its ack; a read receipt handled inside that window is merged with the delivered one into
 * a single update that shows only "read". So the read receipt waits for that ack, plus a short pause that
 * also stands for the person opening the chat.
 */
async function sendReceipts(
  context: SimulatorContext,
  connection: DeviceConnection,
  number: string,
  id: string,
) {
  const from = contactSenderAttrs(context.store.contact(number));
  const deliveredAcked = connection.waitForAck(id, "receipt");
  connection.send({ tag: "receipt", attrs: { id, ...from, t: now() } });
  context.events.emit("receipt", { number, id, type: "delivered" });
  if (!(await deliveredAcked)) return;
  await new Promise((resolve) => setTimeout(resolve, context.options.readReceiptDelayMs));
  if (!connection.isOpen) return;
  connection.send({ tag: "receipt", attrs: { id, ...from, t: now(), type: "read" } });
  context.events.emit("receipt", { number, id, type: "read" });
}

/**
 * A contact sends a text to every linked device of the account: live to a connected one, held in the
 * offline queue for one that is away (`status: "queued"`).
 */
export async function contactSend(
  context: SimulatorContext,
  number: string,
  text: string,
): Promise<{ id: string; status: DeliveryStatus }> {
  const contact = context.store.contact(number);
  if (!contact.onWhatsApp)
    throw new SimulatorError(409, `number: ${number} is configured as not on WhatsApp`);
  // a first message from a cold contact hands the account its privacy token (cold-contacts.ts)
  await warmUpContact(context, number);
  const id = newMessageId();
  const party = context.store.contactParty(number);
  const status = await deliverFromContact(
    context,
    { kind: "message", id, number },
    async (device) => {
      const encrypted = await party.encrypt(device.jid, { conversation: text }, () =>
        takeDeviceBundle(context, device),
      );
      return {
        tag: "message",
        attrs: { id, ...contactSenderAttrs(contact), type: "text", t: now(), notify: number },
        content: [{ tag: "enc", attrs: { v: "2", type: encrypted.type }, content: encrypted.ciphertext }],
      };
    },
    (connection) => {
      void connection
        .waitForAck(id, "message")
        .then((isAcked) => isAcked && context.events.emit("contact-message-acked", { number, id }));
    },
  );
  context.events.emit("contact-sent", { number, id, text });
  return { id, status };
}

/**
 * On a device's first login the phone shares the app-state key. Baileys keeps buffering message events
 * until it has one, and only then syncs app state and flushes. The history-sync notification rides along
 * (of a type Baileys does not download) because that is what arms Baileys' flush-after-sync path.
 */
export async function sharePhoneAppStateKey(context: SimulatorContext, connection: DeviceConnection) {
  const device = connection.deviceId === undefined ? undefined : context.store.device(connection.deviceId);
  if (!device || device.hasAppStateKey) return;
  const { account } = context.store.data;
  const message: WAProto.IMessage = {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
      appStateSyncKeyShare: {
        keys: [
          {
            keyId: { keyId: account.appStateKeyId },
            keyData: {
              keyData: account.appStateKeyData,
              fingerprint: { rawId: 1, currentIndex: 0, deviceIndexes: [0] },
              timestamp: Date.now(),
            },
          },
        ],
      },
      historySyncNotification: {
        syncType: proto.Message.HistorySyncNotification.HistorySyncType.INITIAL_STATUS_V3,
      },
    },
  };
  const encrypted = await context.store
    .phone()
    .encrypt(device.jid, message, () => takeDeviceBundle(context, device));
  const id = newMessageId();
  const acked = connection.waitForAck(id, "message");
  connection.send({
    tag: "message",
    attrs: { id, from: context.store.accountJid, type: "text", t: now() },
    content: [{ tag: "enc", attrs: { v: "2", type: encrypted.type }, content: encrypted.ciphertext }],
  });
  context.store.save();
  if (await acked) {
    device.hasAppStateKey = true;
    context.store.save();
    context.events.emit("app-state-key-shared", { deviceJid: device.jid });
  }
}
