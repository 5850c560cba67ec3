/**
 * The credential folder as the auth state's storage (see auth-state.ts): Baileys' multi-file layout and
 * file names, so existing folders keep working, with one change: every file is written to a temp file
 * and renamed into place.
 *
 * Baileys' own version truncates and rewrites creds.json in place. A crash or kill -9 in that
 * moment leaves a torn file, which it then reads as "no credentials" and starts a brand-new device:
 * the link is lost as surely as if the folder had been deleted.
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import {
  type AtomicAuthState,
  type AuthStateOptions,
  type AuthStorage,
  CREDS_FILE,
  useAuthState,
} from "./auth-state.js";

export type { AtomicAuthState } from "./auth-state.js";

/** How a file is replaced or removed; tests pass one that refuses, the way a full disk would. */
export interface AuthFileOperations {
  write(file: string, content: string): Promise<void>;
  remove(file: string): Promise<void>;
}

export interface AtomicAuthStateOptions extends AuthStateOptions {
  files?: AuthFileOperations;
}

const realFiles: AuthFileOperations = {
  write: async (file, content) =>
    path.basename(file) === CREDS_FILE ? writeAtomically(file, content) : writeKeyFileAtomically(file, content),
  remove: (file) => rm(file, { force: true }),
};

const UNWRITABLE_CODES = new Set(["EROFS", "EACCES", "EPERM", "ENOSPC", "EDQUOT"]);

/** The auth states of a folder are known by its absolute path. */
export const folderLocation = (folder: string): string => path.resolve(folder);

export function folderAuthStorage(folder: string, files: AuthFileOperations = realFiles): AuthStorage {
  const fileOf = (name: string) => path.join(folder, name);
  return {
    location: folderLocation(folder),
    description: folder,
    async prepare() {
      const info = await stat(folder).catch(() => null);
      if (info && !info.isDirectory()) throw new Error(`${folder} exists and is not a folder`);
      // Credentials: readable by this user only (umask may still narrow it, never widen it).
      if (!info) await mkdir(folder, { recursive: true, mode: 0o700 });
    },
    // As Baileys' own loader: a file that cannot be read counts as missing.
    read: (name) => readFile(fileOf(name), "utf8").catch(() => null),
    async commit(changes) {
      await Promise.all(
        [...changes].map(([name, content]) =>
          content === null ? files.remove(fileOf(name)) : files.write(fileOf(name), content),
        ),
      );
    },
    classify: (error) => (isUnwritable(error) ? { kind: "unwritable", code: error.code } : null),
  };
}

export function useAtomicMultiFileAuthState(
  folder: string,
  options: AtomicAuthStateOptions = {},
): Promise<AtomicAuthState> {
  const { files, ...stateOptions } = options;
  return useAuthState(folderAuthStorage(folder, files), stateOptions);
}

function isUnwritable(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "string" &&
    UNWRITABLE_CODES.has(error.code)
  );
}

/**
 * A key file (a Signal session, a pre-key…), written and renamed into place at once. A send settles
 * only once the keys it advanced are stored, and the next send waits for that (serial-transactions.ts):
 * done through the thread pool, the four steps (open, write, close, rename) each waited for a turn of
 * a busy event loop and kept a send open 10–25 ms after its server ack (BENCHMARKS.md, figure 8); done
 * at once they take a fraction of a millisecond for these files of a kilobyte or two. No fsync, as
 * before: only creds.json, whose loss unlinks the device, is synced.
 */
function writeKeyFileAtomically(file: string, content: string): void {
  const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, content, { encoding: "utf8", mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    // a full disk, say: leave no half-written temp file behind
    rmSync(temp, { force: true });
    throw error;
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temp, "w", 0o600);
  try {
    try {
      await handle.writeFile(content, "utf8");
      // creds.json is the one file whose loss unlinks the device: make it durable before it replaces the old one.
      if (path.basename(file) === CREDS_FILE) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    // a full disk, say: leave no half-written temp file behind
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
