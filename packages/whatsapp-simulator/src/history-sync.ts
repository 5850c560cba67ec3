import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { deflate } from "node:zlib";
import { baileys, proto, type WAProto } from "./baileys.js";
import { readyConnections, type SimulatorContext, SimulatorError } from "./context.js";
import { encryptMedia } from "./media-crypto.js";
import { phoneSendsToDevice } from "./messaging.js";

const deflateAsync = promisify(deflate);
const { unixTimestampSeconds } = baileys;

/**
 * The chat history the phone hands a linked device: one conversation with the chat's last message and
 * its push name, as a zlib-compressed `HistorySync` (Baileys `downloadHistory` inflates and decodes it).
 */
function historyFor(chatJid: string, text: string): WAProto.IHistorySync {
  const messageTimestamp = unixTimestampSeconds() - 60;
  return {
    syncType: proto.HistorySync.HistorySyncType.RECENT,
    chunkOrder: 1,
    progress: 100,
    conversations: [
      {
        id: chatJid,
        name: "Peserta",
        conversationTimestamp: messageTimestamp,
        messages: [
          {
            message: {
              key: {
                remoteJid: chatJid,
                fromMe: false,
                id: `3EB0${randomBytes(8).toString("hex").toUpperCase()}`,
              },
              message: { conversation: text },
              messageTimestamp,
            },
          },
        ],
      },
    ],
    pushnames: [{ id: chatJid, pushname: "Peserta" }],
  };
}

/**
 * The phone sends every connected device a `historySyncNotification` (type RECENT, one of Baileys'
 * PROCESSABLE_HISTORY_TYPES) whose blob is on the media host, encrypted with the `md-msg-hist` keys;
 * Baileys downloads it while processing the message (Utils/process-message.js) and emits
 * `messaging-history.set`. The media fault applies to that download.
 */
export async function phoneSendsHistory(
  context: SimulatorContext,
  chat: string,
  text: string,
): Promise<{ directPath: string; notified: number }> {
  const connections = readyConnections(context);
  if (connections.length === 0) throw new SimulatorError(409, "no linked device is connected");
  const plain = proto.HistorySync.encode(historyFor(`${chat}@s.whatsapp.net`, text)).finish();
  const encrypted = await encryptMedia(await deflateAsync(plain), "md-msg-hist");
  const { directPath } = context.media.put(encrypted.blob);
  const message: WAProto.IMessage = {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
      historySyncNotification: {
        fileSha256: encrypted.fileSha256,
        fileLength: encrypted.fileLength,
        mediaKey: encrypted.mediaKey,
        fileEncSha256: encrypted.fileEncSha256,
        directPath,
        syncType: proto.Message.HistorySyncNotification.HistorySyncType.RECENT,
        chunkOrder: 1,
        progress: 100,
      },
    },
  };
  let notified = 0;
  for (const connection of connections) {
    const device = connection.deviceId === undefined ? undefined : context.store.device(connection.deviceId);
    if (!device) continue;
    // not awaited: the ack comes only after Baileys processed (downloaded) it, which a media fault can hold
    void phoneSendsToDevice(context, connection, device, message);
    notified += 1;
  }
  context.events.emit("history-sync-sent", { chat, directPath });
  return { directPath, notified };
}
