/**
 * The media store on PostgreSQL: the node that accepts a media message may not be the node that
 * sends it, so the bytes live in the shared database (`MediaBlob`), under the same SHA-256 name and
 * with the same rules as the folder on SQLite (media-store.ts): stored once, whole or not at all,
 * and pruned only when no row names them and they were last put longer ago than the grace period.
 * `createdAt` is that last put: putting the same bytes again moves it, as the folder touches the file.
 */
import { databaseEngine, type PrismaClient } from "@kabar/db";
import { createMediaStore, type MediaStore, sha256Hex } from "./media-store.js";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Where this database's media go: `folder` beside an SQLite file, the MediaBlob table on PostgreSQL
 * (another node may send what this one accepted). */
export function mediaStoreFor(db: PrismaClient, folder: string): MediaStore {
  return databaseEngine(db) === "postgresql" ? createMediaBlobStore(db) : createMediaStore(folder);
}

export function createMediaBlobStore(db: PrismaClient, now: () => number = Date.now): MediaStore {
  return {
    async put(data) {
      const sha256 = sha256Hex(data);
      const putAt = new Date(now());
      // One statement either way: a second node putting the same bytes at once only moves createdAt.
      await db.mediaBlob.upsert({
        where: { sha256 },
        create: { sha256, bytes: Buffer.from(data), size: data.byteLength, createdAt: putAt },
        update: { createdAt: putAt },
        select: { sha256: true },
      });
      return { sha256, size: data.byteLength };
    },
    async read(sha256) {
      if (!SHA256_HEX.test(sha256)) return null;
      const blob = await db.mediaBlob.findUnique({ where: { sha256 }, select: { bytes: true } });
      return blob === null ? null : new Uint8Array(blob.bytes);
    },
    async prune(isReferenced, graceMs = 60 * 60_000) {
      const old = await db.mediaBlob.findMany({
        where: { createdAt: { lt: new Date(now() - graceMs) } },
        select: { sha256: true },
      });
      let removed = 0;
      for (const { sha256 } of old) {
        if (await isReferenced(sha256)) continue;
        // put again since the list was read: its new createdAt keeps it
        const { count } = await db.mediaBlob.deleteMany({
          where: { sha256, createdAt: { lt: new Date(now() - graceMs) } },
        });
        removed += count;
      }
      return removed;
    },
  };
}
