/**
 * Media bytes live once on disk, named by their SHA-256, beside the database (`<data>/media/`);
 * the outbox row keeps only the hash. A file appears whole or not at all (written to a temp name
 * in the same folder, then renamed), and no input ever chooses a path: the name is the hash.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Temp files start with a dot, so a listing of stored media never mistakes one for a file. */
const TEMP_PREFIX = ".incoming-";
/**
 * Bytes stored lately, kept in memory for the send that usually follows at once (a message handed
 * straight to the sender, a broadcast's one image): reading the file back cost ~0.7 ms of a 200 KB
 * image's way out (BENCHMARKS.md, figure 1). At most this much in all; larger files are not kept.
 */
const RECENT_BYTES = 8 * 1024 * 1024;

export interface StoredMedia {
  sha256: string;
  size: number;
}

/** Where media bytes live: this folder on SQLite, the MediaBlob table on PostgreSQL (media-blob-store.ts). */
export interface MediaStore {
  put(data: Uint8Array): Promise<StoredMedia>;
  /** The bytes under this hash, or null when the file is gone or the hash is not one. */
  read(sha256: string): Promise<Uint8Array | null>;
  /**
   * Deletes stored files no row references any more, and temp files left by a crash. Files younger
   * than `graceMs` stay: their row may be on its way into the database right now.
   */
  prune(isReferenced: (sha256: string) => Promise<boolean>, graceMs?: number): Promise<number>;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface MediaFolder extends MediaStore {
  readonly dir: string;
}

export function createMediaStore(dir: string, now: () => number = Date.now): MediaFolder {
  const recent = new Map<string, Uint8Array>();
  let recentBytes = 0;
  const keep = (sha256: string, data: Uint8Array) => {
    if (data.byteLength > RECENT_BYTES / 2 || recent.has(sha256)) return;
    // a copy: the caller's buffer is theirs to reuse
    recent.set(sha256, Uint8Array.from(data));
    recentBytes += data.byteLength;
    for (const [oldest, bytes] of recent) {
      if (recentBytes <= RECENT_BYTES) break;
      recent.delete(oldest);
      recentBytes -= bytes.byteLength;
    }
  };
  const forget = (sha256: string) => {
    const bytes = recent.get(sha256);
    if (bytes === undefined) return;
    recent.delete(sha256);
    recentBytes -= bytes.byteLength;
  };
  return {
    dir,
    async put(data) {
      const sha256 = sha256Hex(data);
      const target = path.join(dir, sha256);
      // Content-addressed: the same bytes already stored are the same file.
      if (await isFile(target)) {
        // Fresh again, so a prune running now counts it as in use (see its grace period).
        const touchedAt = new Date(now());
        await utimes(target, touchedAt, touchedAt);
        keep(sha256, data);
        return { sha256, size: data.byteLength };
      }
      const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`);
      const write = () => writeFile(temp, data, { mode: 0o600, flush: true });
      try {
        // the folder is made on the first write, and again if it was removed since
        await write().catch(async (error: unknown) => {
          if (!isMissing(error)) throw error;
          await mkdir(dir, { recursive: true, mode: 0o700 });
          await write();
        });
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      keep(sha256, data);
      return { sha256, size: data.byteLength };
    },
    async read(sha256) {
      if (!SHA256_HEX.test(sha256)) return null;
      const kept = recent.get(sha256);
      if (kept !== undefined) return kept;
      try {
        return new Uint8Array(await readFile(path.join(dir, sha256)));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async prune(isReferenced, graceMs = 60 * 60_000) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      let removed = 0;
      for (const name of names) {
        const isStored = SHA256_HEX.test(name);
        if (!isStored && !name.startsWith(TEMP_PREFIX)) continue;
        const file = path.join(dir, name);
        const info = await stat(file).catch(() => null);
        if (!info?.isFile() || now() - info.mtimeMs < graceMs) continue;
        if (isStored && (await isReferenced(name))) continue;
        if (isStored) forget(name);
        await rm(file, { force: true });
        removed += 1;
      }
      return removed;
    },
  };
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() === true;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
