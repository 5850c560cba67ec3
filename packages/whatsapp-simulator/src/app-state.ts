import { baileys, type BinaryNode, childOf, childrenOf, proto, type WAProto } from "./baileys.js";
import { readyConnections, type SimulatorContext } from "./context.js";
import { encryptMedia } from "./media-crypto.js";
import type { MediaHost } from "./media-host.js";
import type { AppStateCollection } from "./store.js";

const { encodeSyncdPatch, unixTimestampSeconds } = baileys;

export const appStateActions = ["mute", "pin", "label"] as const;
export type AppStateAction = (typeof appStateActions)[number];

type PatchName = "critical_block" | "critical_unblock_low" | "regular_high" | "regular" | "regular_low";

interface Mutation {
  collection: PatchName;
  index: string[];
  apiVersion: number;
  syncAction: WAProto.ISyncActionValue;
}

/** A chat the phone had already muted, pinned and labelled before any device was linked. */
const SEEDED_CHAT = "6281234500001@s.whatsapp.net";
const SEEDED_PUSH_NAME = "Kabar Simulator";
const EIGHT_HOURS_MS = 8 * 3600_000;

/**
 * Each action in the collection and with the index and api version Baileys' own
 * `chatModificationToAppPatch` uses (Utils/chat-utils.js): mute → regular_high, pin → regular_low,
 * chat label → regular; the push name setting → critical_block.
 */
function mutationFor(action: AppStateAction | "push-name", chat: string): Mutation {
  const timestamp = Date.now();
  switch (action) {
    case "mute":
      return {
        collection: "regular_high",
        index: ["mute", chat],
        apiVersion: 2,
        syncAction: { timestamp, muteAction: { muted: true, muteEndTimestamp: timestamp + EIGHT_HOURS_MS } },
      };
    case "pin":
      return {
        collection: "regular_low",
        index: ["pin_v1", chat],
        apiVersion: 5,
        syncAction: { timestamp, pinAction: { pinned: true } },
      };
    case "label":
      return {
        collection: "regular",
        index: ["label_jid", "1", chat],
        apiVersion: 3,
        syncAction: { timestamp, labelAssociationAction: { labeled: true } },
      };
    case "push-name":
      return {
        collection: "critical_block",
        index: ["setting_pushName"],
        apiVersion: 1,
        syncAction: { timestamp, pushNameSetting: { name: SEEDED_PUSH_NAME } },
      };
  }
}

function collections(context: SimulatorContext): Record<string, AppStateCollection> {
  const account = context.store.data.account;
  account.appState ??= {};
  return account.appState;
}

/** Encodes one mutation with Baileys' own encoder, so MACs and LT hash verify with the shared key. */
async function appendMutation(context: SimulatorContext, mutation: Mutation): Promise<AppStateCollection> {
  const { account } = context.store.data;
  const all = collections(context);
  const current = all[mutation.collection] ?? {
    version: 0,
    hash: Buffer.alloc(128),
    indexValueMap: {},
    patches: [],
  };
  const keyId = Buffer.from(account.appStateKeyId).toString("base64");
  const { patch, state } = await encodeSyncdPatch(
    {
      type: mutation.collection,
      index: mutation.index,
      apiVersion: mutation.apiVersion,
      syncAction: mutation.syncAction,
      operation: proto.SyncdMutation.SyncdOperation.SET,
    },
    keyId,
    {
      version: current.version,
      hash: Buffer.from(current.hash),
      indexValueMap: Object.fromEntries(
        Object.entries(current.indexValueMap).map(([index, { valueMac }]) => [
          index,
          { valueMac: Buffer.from(valueMac) },
        ]),
      ),
    },
    async () => ({ keyData: account.appStateKeyData }),
  );
  const encoded = proto.SyncdPatch.encode({ ...patch, version: { version: state.version } }).finish();
  const next: AppStateCollection = {
    version: state.version,
    hash: state.hash,
    indexValueMap: state.indexValueMap,
    patches: [...current.patches, encoded],
  };
  all[mutation.collection] = next;
  context.store.save();
  return next;
}

/** The phone's history before linking: a muted, pinned, labelled chat and its push name. */
async function ensureSeeded(context: SimulatorContext): Promise<void> {
  if (context.store.data.account.appState) return;
  collections(context);
  for (const action of ["mute", "pin", "label", "push-name"] as const) {
    await appendMutation(context, mutationFor(action, SEEDED_CHAT));
  }
}

/** Encrypts `bytes` as an app-state blob, puts it on the media host, and references it. */
async function externalBlob(media: MediaHost, bytes: Uint8Array): Promise<Uint8Array> {
  const encrypted = await encryptMedia(Buffer.from(bytes), "md-app-state");
  const { directPath } = media.put(encrypted.blob);
  return proto.ExternalBlobReference.encode({
    mediaKey: encrypted.mediaKey,
    directPath,
    fileSizeBytes: encrypted.fileLength,
    fileSha256: encrypted.fileSha256,
    fileEncSha256: encrypted.fileEncSha256,
  }).finish();
}

/**
 * A snapshot holds the latest record of every index. Its MAC is the one the last patch carried as its
 * `snapshotMac`: both are the HMAC of the same LT hash at the same version.
 */
async function snapshotNode(media: MediaHost, name: string, stored: AppStateCollection): Promise<BinaryNode> {
  const latest = new Map<string, WAProto.ISyncdRecord>();
  let mac: Uint8Array | null | undefined;
  let keyId: WAProto.IKeyId | null | undefined;
  for (const bytes of stored.patches) {
    const patch = proto.SyncdPatch.decode(bytes);
    mac = patch.snapshotMac;
    keyId = patch.keyId;
    for (const mutation of patch.mutations) {
      const record = mutation.record;
      const indexMac = record?.index?.blob;
      if (record && indexMac) latest.set(Buffer.from(indexMac).toString("base64"), record);
    }
  }
  const snapshot = proto.SyncdSnapshot.encode({
    version: { version: stored.version },
    records: [...latest.values()],
    mac,
    keyId,
  }).finish();
  return {
    tag: "collection",
    attrs: { name, version: stored.version.toString() },
    content: [{ tag: "snapshot", attrs: {}, content: await externalBlob(media, snapshot) }],
  };
}

/**
 * Patches after `from`, each with its mutations moved to an external blob. Real WhatsApp does that for
 * large patches (Baileys `decodePatches` downloads `externalMutations`); the simulator always does, so
 * every resync after a phone action downloads from the media host — the stricter choice.
 */
async function patchesNode(
  media: MediaHost,
  name: string,
  stored: AppStateCollection,
  from: number,
): Promise<BinaryNode> {
  const patches: BinaryNode[] = [];
  for (const bytes of stored.patches.slice(from)) {
    const patch = proto.SyncdPatch.decode(bytes);
    const mutations = proto.SyncdMutations.encode({ mutations: patch.mutations }).finish();
    const external = proto.ExternalBlobReference.decode(await externalBlob(media, mutations));
    const content = proto.SyncdPatch.encode({
      ...patch,
      mutations: [],
      externalMutations: external,
    }).finish();
    patches.push({ tag: "patch", attrs: {}, content });
  }
  return {
    tag: "collection",
    attrs: { name, version: stored.version.toString() },
    content: [{ tag: "patches", attrs: {}, content: patches }],
  };
}

/** The `<sync>` answer to `iq xmlns="w:sync:app:state"`: snapshots for a first sync, patches after. */
export async function answerAppStateSync(
  context: SimulatorContext,
  media: MediaHost,
  node: BinaryNode,
): Promise<BinaryNode> {
  await ensureSeeded(context);
  const all = collections(context);
  const answers: BinaryNode[] = [];
  for (const requested of childrenOf(childOf(node, "sync"))) {
    const name = requested.attrs.name ?? "";
    const from = Number(requested.attrs.version ?? "0") || 0;
    const stored = all[name];
    if (!stored || stored.version <= from) {
      answers.push({ tag: "collection", attrs: { name, version: (stored?.version ?? from).toString() } });
    } else if (requested.attrs.return_snapshot === "true") {
      answers.push(await snapshotNode(media, name, stored));
    } else {
      answers.push(await patchesNode(media, name, stored, from));
    }
  }
  return { tag: "sync", attrs: {}, content: answers };
}

/**
 * The phone mutes, pins or labels a chat: a new patch in that action's collection, and every connected
 * device gets the `server_sync` notification that makes Baileys resync it (Socket/messages-recv.js).
 */
export async function phoneAppStateAction(
  context: SimulatorContext,
  action: AppStateAction,
  chat: string,
): Promise<{ collection: string; version: number; notified: number }> {
  await ensureSeeded(context);
  const mutation = mutationFor(action, `${chat}@s.whatsapp.net`);
  const stored = await appendMutation(context, mutation);
  const connections = readyConnections(context);
  for (const connection of connections) {
    connection.send({
      tag: "notification",
      attrs: {
        from: "s.whatsapp.net",
        type: "server_sync",
        id: connection.newTag(),
        t: unixTimestampSeconds().toString(),
      },
      content: [
        { tag: "collection", attrs: { name: mutation.collection, version: stored.version.toString() } },
      ],
    });
  }
  context.events.emit("app-state-changed", {
    action,
    collection: mutation.collection,
    version: stored.version,
  });
  return { collection: mutation.collection, version: stored.version, notified: connections.length };
}
