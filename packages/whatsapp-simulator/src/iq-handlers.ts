import { baileys, type BinaryNode, bytesOf, childOf, childrenOf } from "./baileys.js";
import type { DeviceConnection } from "./connection.js";
import type { SimulatorContext } from "./context.js";
import { sharePhoneAppStateKey } from "./messaging.js";
import { resolveJid } from "./lid.js";
import { flushOfflineQueue } from "./offline-queue.js";
import { takeDeviceBundle } from "./pre-keys.js";
import { recordPairingCodeRequest } from "./pairing-code.js";
import { bundleNode } from "./signal-party.js";

const { jidDecode } = baileys;

function result(node: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return { tag: "iq", attrs: { id: node.attrs.id ?? "", type: "result", from: "s.whatsapp.net" }, content };
}

/** Answers every iq the library sends; an unanswered one would stall it for its 60 s query timeout. */
export async function answerIq(context: SimulatorContext, connection: DeviceConnection, node: BinaryNode) {
  const { type, xmlns } = node.attrs;
  // the library's answers to our own iqs (pair-device, pair-success) are awaited where they were sent
  if (type === "result" || type === "error") return;
  const first = childrenOf(node)[0];
  switch (xmlns) {
    case "encrypt":
      connection.send(await answerEncrypt(context, connection, node, first));
      return;
    case "usync":
      connection.send(answerUsync(context, node));
      return;
    case "passive":
      connection.send(result(node));
      // The library reports "open" after this answer; then what was held for it while it was away,
      // ending with <ib><offline count="N"/>, which makes a logged-in Baileys flush the events it
      // buffered since connecting. Not awaited: both wait for the library's answers, which arrive
      // through this same node queue.
      flushOfflineQueue(context, connection)
        .then(() => sharePhoneAppStateKey(context, connection))
        .catch((error: unknown) =>
          process.emitWarning(
            `whatsapp-simulator: offline flush / app-state key share failed: ${String(error)}`,
          ),
        );
      return;
    case "w:sync:app:state":
      connection.send(result(node, [answerAppStateSync(node)]));
      return;
    case "privacy":
      connection.send(result(node, type === "get" ? [privacySettings()] : undefined));
      return;
    case "blocklist":
      connection.send(result(node, [{ tag: "list", attrs: {} }]));
      return;
    case "w":
      connection.send(
        result(node, first?.tag === "props" ? [{ tag: "props", attrs: { protocol: "2" } }] : undefined),
      );
      return;
    case "md":
      if (first?.tag === "remove-companion-device") removeDevice(context, connection, "library");
      if (first?.tag === "link_code_companion_reg") recordPairingCodeRequest(context, connection, first);
      connection.send(result(node));
      return;
    default:
      // ping (w:p), w:stats, dirty bits, presence-related iqs...: an empty result satisfies all of them
      connection.send(result(node));
  }
}

export function removeDevice(
  context: SimulatorContext,
  connection: DeviceConnection,
  by: "phone" | "library" | "fault",
) {
  const device = connection.deviceId === undefined ? undefined : context.store.device(connection.deviceId);
  if (!device || device.isRemoved) return;
  device.isRemoved = true;
  context.store.save();
  context.events.emit("device-removed", { deviceJid: device.jid, by });
}

async function answerEncrypt(
  context: SimulatorContext,
  connection: DeviceConnection,
  node: BinaryNode,
  first: BinaryNode | undefined,
): Promise<BinaryNode> {
  const device = connection.deviceId === undefined ? undefined : context.store.device(connection.deviceId);
  if (first?.tag === "count") {
    const count = device ? Object.keys(device.preKeys).length : 0;
    return result(node, [{ tag: "count", attrs: { value: count.toString() } }]);
  }
  if (node.attrs.type === "set" && device) {
    // pre-key upload: keep them to hand out to contacts and the phone that start sessions with the device
    const keys = childrenOf(childOf(node, "list"));
    for (const key of keys) {
      const id = bytesOf(childOf(key, "id"));
      const value = bytesOf(childOf(key, "value"));
      if (id && value) device.preKeys[id.readUIntBE(0, id.length).toString()] = value;
    }
    context.store.save();
    const total = Object.keys(device.preKeys).length;
    context.events.emit("pre-keys-uploaded", { deviceJid: device.jid, uploaded: keys.length, total });
    return result(node);
  }
  if (first?.tag === "key") {
    const users: BinaryNode[] = [];
    for (const user of childrenOf(first)) users.push(await keyBundleFor(context, user.attrs.jid ?? ""));
    // handing out a bundle created a one-time pre-key the party must still hold after a restart
    context.store.save();
    return result(node, [{ tag: "list", attrs: {}, content: users }]);
  }
  return result(node);
}

async function keyBundleFor(context: SimulatorContext, jid: string): Promise<BinaryNode> {
  // the library asks by phone number or by LID (`<lid>@lid`), and gets the same person's keys
  const addressed = resolveJid(context, jid);
  const notFound: BinaryNode = {
    tag: "user",
    attrs: { jid },
    content: [{ tag: "error", attrs: { code: "404", text: "item-not-found" } }],
  };
  if (addressed.kind === "account") {
    if (addressed.device === 0) return bundleNode(jid, await context.store.phone().bundle());
    const device = context.store.device(addressed.device);
    return device && !device.isRemoved ? bundleNode(jid, takeDeviceBundle(context, device)) : notFound;
  }
  if (addressed.kind !== "contact" || addressed.device !== 0) return notFound;
  if (!context.store.contact(addressed.number).onWhatsApp) return notFound;
  return bundleNode(jid, await context.store.contactParty(addressed.number).bundle());
}

/** usync: device lists for sending, and `contact` (is this number on WhatsApp?) for onWhatsApp checks. */
function answerUsync(context: SimulatorContext, node: BinaryNode): BinaryNode {
  const usync = childOf(node, "usync");
  const protocols = new Set(childrenOf(childOf(usync, "query")).map((protocol) => protocol.tag));
  const users = childrenOf(childOf(usync, "list")).map((user): BinaryNode => {
    const phone = bytesOf(childOf(user, "contact"))?.toString("utf8");
    const queried = user.attrs.jid ?? "";
    const isLidQuery = !phone && jidDecode(queried)?.server === "lid";
    const addressed = resolveJid(context, phone ? `${phone.replace(/^\+/, "")}@s.whatsapp.net` : queried);
    const isAccount = addressed.kind === "account";
    const number =
      addressed.kind === "contact" ? addressed.number : isAccount ? context.store.accountNumber : "";
    const isRegistered = isAccount || (number !== "" && context.store.contact(number).onWhatsApp);
    const lid = isAccount
      ? context.store.accountLid
      : number
        ? context.store.data.contacts[number]?.lid
        : undefined;
    const content: BinaryNode[] = [];
    if (protocols.has("devices")) {
      const devices = !isRegistered
        ? []
        : [
            { tag: "device", attrs: { id: "0" } },
            ...(isAccount ? context.store.activeDevices() : []).map((device) => ({
              tag: "device",
              attrs: { id: device.id.toString(), "key-index": device.id.toString() },
            })),
          ];
      content.push({
        tag: "devices",
        attrs: {},
        content: [{ tag: "device-list", attrs: {}, content: devices }],
      });
    }
    if (protocols.has("contact"))
      content.push({ tag: "contact", attrs: { type: isRegistered ? "in" : "out" } });
    // Baileys 6.17.16 never asks the `lid` protocol; later versions parse `<lid val="<lid>@lid"/>`
    if (protocols.has("lid") && lid) content.push({ tag: "lid", attrs: { val: `${lid}@lid` } });
    // answer under the jid asked: Baileys keys the device list by the user part it queried
    const jid = isLidQuery ? queried : `${number || jidDecode(queried)?.user || ""}@s.whatsapp.net`;
    return { tag: "user", attrs: { jid }, content };
  });
  return result(node, [
    {
      tag: "usync",
      attrs: { ...usync?.attrs },
      content: [
        { tag: "result", attrs: {} },
        { tag: "list", attrs: {}, content: users },
      ],
    },
  ]);
}

/** No app-state is stored: each collection comes back at the version asked, with no patches. */
function answerAppStateSync(node: BinaryNode): BinaryNode {
  const collections = childrenOf(childOf(node, "sync")).map((collection) => ({
    tag: "collection",
    attrs: { name: collection.attrs.name ?? "", version: collection.attrs.version ?? "0" },
  }));
  return { tag: "sync", attrs: {}, content: collections };
}

function privacySettings(): BinaryNode {
  const settings = {
    readreceipts: "all",
    last: "all",
    online: "all",
    profile: "all",
    status: "all",
    groupadd: "all",
  };
  return {
    tag: "privacy",
    attrs: {},
    content: Object.entries(settings).map(([name, value]) => ({ tag: "category", attrs: { name, value } })),
  };
}
