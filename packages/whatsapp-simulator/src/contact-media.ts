import { createDecipheriv, createHash, createHmac, timingSafeEqual } from "node:crypto";
import { baileys, type WAProto } from "./baileys.js";
import type { MediaHost } from "./media-host.js";

/** What a contact saw of a media message, once it downloaded, checked and decrypted the file. */
export interface ReceivedMedia {
  type: "image" | "document";
  mimeType: string;
  fileName?: string;
  caption?: string;
  /** Bytes of the decrypted file. */
  size: number;
  /** SHA-256 of the decrypted file, hex. */
  sha256: string;
}

type MediaMessage = WAProto.Message.IImageMessage | WAProto.Message.IDocumentMessage;

function sha256(bytes: Buffer): Buffer {
  return createHash("sha256").update(bytes).digest();
}

function sameBytes(actual: Buffer, expected: Uint8Array | null | undefined): boolean {
  return !!expected && actual.length === expected.length && timingSafeEqual(actual, Buffer.from(expected));
}

/**
 * What a WhatsApp client does with a media message (Baileys `downloadContentFromMessage` is the
 * reference): fetch the blob by direct path, check its SHA-256 against `fileEncSha256`, check the
 * 10-byte HMAC over IV ‖ ciphertext, decrypt with the keys derived from `mediaKey` for the type, then
 * check `fileSha256` and `fileLength`. Any mismatch throws, naming the check.
 */
async function downloadAndCheck(
  media: Pick<MediaHost, "blob">,
  type: "image" | "document",
  message: MediaMessage,
) {
  const stored = message.directPath ? media.blob(message.directPath) : undefined;
  if (!stored) throw new Error(`media: no blob at direct path ${message.directPath ?? "(none)"}`);
  const blob = stored.bytes;
  if (!sameBytes(sha256(blob), message.fileEncSha256)) throw new Error("media: fileEncSha256 does not match");
  if (!message.mediaKey) throw new Error("media: no mediaKey");
  const { iv, cipherKey, macKey } = await baileys.getMediaKeys(message.mediaKey, type);
  if (!iv || !cipherKey || !macKey) throw new Error("media: no keys derived");
  const encrypted = blob.subarray(0, -10);
  const mac = createHmac("sha256", macKey).update(iv).update(encrypted).digest().subarray(0, 10);
  if (!sameBytes(mac, blob.subarray(-10))) throw new Error("media: MAC does not match");
  const decipher = createDecipheriv("aes-256-cbc", cipherKey, iv);
  const file = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  const fileHash = sha256(file);
  if (!sameBytes(fileHash, message.fileSha256)) throw new Error("media: fileSha256 does not match");
  if (Number(message.fileLength ?? -1) !== file.length) throw new Error("media: fileLength does not match");
  return { size: file.length, sha256: fileHash.toString("hex") };
}

/** The media of a decrypted message, or undefined when it carries none the contact understands. */
export async function receiveMedia(
  media: Pick<MediaHost, "blob">,
  message: WAProto.IMessage,
): Promise<ReceivedMedia | undefined> {
  // a document with a caption arrives wrapped (Baileys' documentWithCaptionMessage)
  const document =
    message.documentMessage ?? message.documentWithCaptionMessage?.message?.documentMessage ?? undefined;
  if (message.imageMessage) {
    const image = message.imageMessage;
    const checked = await downloadAndCheck(media, "image", image);
    return {
      type: "image",
      mimeType: image.mimetype ?? "",
      ...(image.caption ? { caption: image.caption } : {}),
      ...checked,
    };
  }
  if (document) {
    const checked = await downloadAndCheck(media, "document", document);
    return {
      type: "document",
      mimeType: document.mimetype ?? "",
      ...(document.fileName ? { fileName: document.fileName } : {}),
      ...(document.caption ? { caption: document.caption } : {}),
      ...checked,
    };
  }
  return undefined;
}
