import { createCipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { baileys } from "./baileys.js";

/** Baileys' media key types (`Defaults` MEDIA_HKDF_KEY_MAPPING) the server itself encrypts blobs for. */
export type ServerMediaType = "md-app-state" | "md-msg-hist";

export interface EncryptedMedia {
  mediaKey: Buffer;
  /** AES-256-CBC ciphertext followed by the first 10 bytes of its HMAC-SHA256: what the host stores. */
  blob: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
  fileLength: number;
}

/**
 * Encrypts like WhatsApp's clients (Baileys `encryptedStream`): keys from the media key by HKDF with the
 * type's info string (Baileys' own `getMediaKeys`), CBC with the derived IV, MAC over IV ‖ ciphertext.
 */
export async function encryptMedia(plain: Buffer, type: ServerMediaType): Promise<EncryptedMedia> {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = await baileys.getMediaKeys(mediaKey, type);
  if (!iv || !cipherKey || !macKey) throw new Error(`no media keys derived for ${type}`);
  const cipher = createCipheriv("aes-256-cbc", cipherKey, iv);
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const mac = createHmac("sha256", macKey).update(iv).update(encrypted).digest().subarray(0, 10);
  const blob = Buffer.concat([encrypted, mac]);
  return {
    mediaKey,
    blob,
    fileSha256: createHash("sha256").update(plain).digest(),
    fileEncSha256: createHash("sha256").update(blob).digest(),
    fileLength: plain.length,
  };
}
