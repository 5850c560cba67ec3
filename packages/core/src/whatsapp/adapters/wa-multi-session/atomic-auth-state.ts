/**
 * Baileys' multi-file auth state (same folder layout and file names, so existing folders keep
 * working), with one change: every file is written to a temp file and renamed into place.
 *
 * Baileys' own version truncates and rewrites creds.json in place. A crash or kill -9 in that
 * moment leaves a torn file, which it then reads as "no credentials" and starts a brand-new device:
 * the link is lost as surely as if the folder had been deleted.
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { AuthenticationCreds, AuthenticationState, SignalDataTypeMap } from "@whiskeysockets/baileys";
import { baileys } from "./library-modules.js";

const CREDS_FILE = "creds.json";

export interface AtomicAuthState {
  state: AuthenticationState;
  saveCreds: () => Promise<void>;
}

/**
 * The latest auth states opened on each folder, so a logout can silence older sockets' too. A few
 * are enough: a socket's in-flight work ends within seconds, and the list must not grow with every
 * reconnect of a process that runs for months.
 */
const openStates = new Map<string, (() => void)[]>();
const REMEMBERED_STATES = 5;

/**
 * Drops every write to this folder that has not run yet, from every auth state on it. After a logout
 * Baileys keeps decrypting what was in flight and saving keys; those writes must not land in the
 * folder a new link creates once the old one was moved to the backup.
 */
export function closeAuthStorage(folder: string): void {
  const key = path.resolve(folder);
  for (const close of openStates.get(key) ?? []) close();
  openStates.delete(key);
  for (const file of unwritten.keys()) if (folderOf(file) === key) unwritten.delete(file);
  // Nothing of this folder is held in memory any more, so a crash can no longer lose any of it.
  settleIfAllWritten(key);
}

/** How a file is replaced or removed; tests pass one that refuses, the way a full disk would. */
export interface AuthFileOperations {
  write(file: string, content: string): Promise<void>;
  remove(file: string): Promise<void>;
}

export interface AtomicAuthStateOptions {
  /** Told when a write to the folder is refused and kept in memory while nothing of it was (see `unwritten`). */
  onUnwritable?: (error: Error) => void;
  /** Told once every write kept since `onUnwritable` has landed (or a logout dropped them). */
  onWritable?: () => void;
  files?: AuthFileOperations;
}

const realFiles: AuthFileOperations = {
  write: async (file, content) =>
    path.basename(file) === CREDS_FILE ? writeAtomically(file, content) : writeKeyFileAtomically(file, content),
  remove: (file) => rm(file, { force: true }),
};

/**
 * The latest options given for each folder. The retries run on a timer outside any one auth state,
 * and a reconnect while the folder refuses writes makes a new auth state: its owner hears the recovery.
 */
const folderOptions = new Map<string, AtomicAuthStateOptions>();
/** Folders that were reported unwritable and have not been reported writable again. */
const refusingFolders = new Set<string>();
const folderOf = (file: string) => path.dirname(path.resolve(file));

export async function useAtomicMultiFileAuthState(
  folder: string,
  options: AtomicAuthStateOptions = {},
): Promise<AtomicAuthState> {
  folderOptions.set(path.resolve(folder), options);
  const info = await stat(folder).catch(() => null);
  if (info && !info.isDirectory()) throw new Error(`${folder} exists and is not a folder`);
  // Credentials: readable by this user only (umask may still narrow it, never widen it).
  if (!info) await mkdir(folder, { recursive: true, mode: 0o700 });

  let isClosed = false;
  const states = openStates.get(path.resolve(folder)) ?? [];
  states.push(() => {
    isClosed = true;
  });
  if (states.length > REMEMBERED_STATES) states.shift();
  openStates.set(path.resolve(folder), states);
  const fileOf = (name: string) => path.join(folder, name.replace(/\//g, "__").replace(/:/g, "-"));
  const write = async (name: string, data: unknown) => {
    if (isClosed) return;
    const file = fileOf(name);
    return serialized(file, async () => {
      if (!isClosed) await store(file, JSON.stringify(data, baileys.BufferJSON.replacer));
    });
  };
  const remove = async (name: string) => {
    if (isClosed) return;
    const file = fileOf(name);
    return serialized(file, async () => {
      if (!isClosed) await store(file, null);
    });
  };
  const read = async (name: string): Promise<unknown> => {
    const file = fileOf(name);
    let content: string | null = null;
    await serialized(file, async () => {
      const kept = unwritten.get(file);
      content = kept !== undefined ? kept : await readFile(file, "utf8").catch(() => null);
    });
    try {
      return content === null ? null : JSON.parse(content, baileys.BufferJSON.reviver);
    } catch {
      return null;
    }
  };

  const creds = ((await read(CREDS_FILE)) as AuthenticationCreds | null) ?? baileys.initAuthCreds();
  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const data: { [id: string]: SignalDataTypeMap[T] } = {};
        await Promise.all(
          ids.map(async (id) => {
            let value = await read(`${type}-${id}.json`);
            if (type === "app-state-sync-key" && value) {
              value = baileys.proto.Message.AppStateSyncKeyData.fromObject(value as object);
            }
            // Baileys' own store returns null for missing keys too.
            data[id] = value as SignalDataTypeMap[T];
          }),
        );
        return data;
      },
      set: async (data) => {
        const tasks: Promise<void>[] = [];
        for (const [category, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            const name = `${category}-${id}.json`;
            tasks.push(value ? write(name, value) : remove(name));
          }
        }
        await Promise.all(tasks);
      },
    },
  };
  return { state, saveCreds: () => write(CREDS_FILE, creds) };
}

/**
 * Work on one file runs in order across every auth state of the process: a socket restarted right
 * after pairing must read the creds.json the previous socket is still writing, not the one before.
 */
const queues = new Map<string, Promise<void>>();
function serialized(file: string, work: () => Promise<void>): Promise<void> {
  const next = (queues.get(file) ?? Promise.resolve()).then(work, work);
  queues.set(file, next);
  return next.finally(() => {
    if (queues.get(file) === next) queues.delete(file);
  });
}

/**
 * What could not be written because the folder refused it (read-only, full, permissions): content
 * by file, null for a removal. Reads see it, and it is written once the folder takes writes again.
 *
 * Failing those writes instead stalled every send: Baileys retries a failed key-store commit ten
 * times, 3 s apart, inside the transaction our sends wait behind, then drops the mutations, so each
 * message took 30 s while the folder was unwritable and its Signal session advance was lost from disk
 * (once Baileys' cache let go of it, the next message would reuse the counter).
 */
const unwritten = new Map<string, string | null>();
const UNWRITABLE_CODES = new Set(["EROFS", "EACCES", "EPERM", "ENOSPC", "EDQUOT"]);
const RETRY_UNWRITTEN_MS = 1_000;
let retryTimer: NodeJS.Timeout | null = null;

async function store(file: string, content: string | null): Promise<void> {
  const folder = folderOf(file);
  const options = folderOptions.get(folder);
  const files = options?.files ?? realFiles;
  try {
    if (content === null) await files.remove(file);
    else await files.write(file, content);
    unwritten.delete(file);
    settleIfAllWritten(folder);
  } catch (error) {
    if (!isUnwritable(error)) throw error;
    unwritten.set(file, content);
    retryUnwrittenLater();
    if (refusingFolders.has(folder)) return;
    refusingFolders.add(folder);
    // Names the folder and the OS code only: the content is key material and must not reach a log or the panel.
    options?.onUnwritable?.(
      new Error(
        `${path.dirname(file)} refuses writes (${error.code}): keeping the key updates in memory until it takes them again`,
        { cause: error },
      ),
    );
  }
}

function settleIfAllWritten(folder: string): void {
  if (!refusingFolders.has(folder)) return;
  for (const file of unwritten.keys()) if (folderOf(file) === folder) return;
  refusingFolders.delete(folder);
  folderOptions.get(folder)?.onWritable?.();
}

function retryUnwrittenLater(): void {
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    for (const [file, content] of unwritten) {
      // in the file's queue, so a newer write that is already waiting lands after this one
      void serialized(file, async () => {
        if (unwritten.get(file) === content) await store(file, content);
      }).catch(() => {
        // Refused in another way (e.g. the folder was removed by hand): the write still has not
        // landed, so it stays kept and reported, and is tried again rather than forgotten.
        retryUnwrittenLater();
      });
    }
  }, RETRY_UNWRITTEN_MS);
  // pending writes alone must not keep a process alive that is otherwise done
  retryTimer.unref();
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
