/**
 * Baileys' multi-file auth state over a storage: the credential folder (atomic-auth-state.ts) or the
 * database table (database-auth-state.ts). Same file names and contents in both, and the same rules:
 *
 * - Work on one file runs in order across every auth state of the process: a socket restarted right
 *   after pairing must read the creds.json the previous socket is still writing, not the one before.
 * - A key-store `set` of many keys is one commit (one transaction in the database).
 * - A write the storage refuses for now (full disk, database unreachable) is kept in memory, readable,
 *   reported once, and retried until it lands. Failing it instead stalled every send: Baileys retries a
 *   failed key-store commit ten times, 3 s apart, inside the transaction our sends wait behind, then
 *   drops the mutations, so each message took 30 s and its Signal session advance was lost from disk.
 * - A write refused because this node no longer holds the session (the lease's fencing) is dropped and
 *   reported: it must never land, not even later.
 * - After a logout nothing still in flight may write into the store a new link creates.
 * - Key files are read from memory once read or written (key-file-cache.ts); creds.json, read once per
 *   auth state, always from the storage.
 */
import type { AuthenticationCreds, AuthenticationState, SignalDataTypeMap } from "@whiskeysockets/baileys";
import { cachedKeyFile, forgetKeyFiles, keyFilesWritten, readKeyFileThrough } from "./key-file-cache.js";
import { baileys } from "./library-modules.js";

export const CREDS_FILE = "creds.json";

export interface AtomicAuthState {
  state: AuthenticationState;
  saveCreds: () => Promise<void>;
}

/** What a storage says of a failed commit. */
export type CommitFailure =
  /** Refused for now: keep the writes in memory and retry. `code` names the cause, never the content. */
  | { kind: "unwritable"; code: string }
  /** This writer may no longer write: drop the writes. */
  | { kind: "fenced" };

export interface AuthStorage {
  /** Identifies the store across auth states and sockets (the folder's path, the database store's key). */
  location: string;
  /** What the reports name, e.g. the folder's path. */
  description: string;
  /** Creates the store if it needs to exist before the first write. */
  prepare?(): Promise<void>;
  /** null when the file does not exist; throws when the store cannot say. */
  read(name: string): Promise<string | null>;
  /** Every change at once, all or nothing where the storage allows it. */
  commit(changes: Map<string, string | null>): Promise<void>;
  /** null: a failure of another kind, thrown to the caller (and retried when it was a kept write). */
  classify(error: unknown): CommitFailure | null;
}

export interface AuthStateOptions {
  /** Told when a write is refused and kept in memory while nothing of it was (see `unwritten`). */
  onUnwritable?: (error: Error) => void;
  /** Told once every write kept since `onUnwritable` has landed (or a logout dropped them). */
  onWritable?: () => void;
  /** Told when writes were dropped because this node no longer holds the session. */
  onFenced?: (error: Error) => void;
}

interface Store {
  storage: AuthStorage;
  options: AuthStateOptions;
}

/** The latest storage and options given for each location: the retries run outside any one auth state. */
const stores = new Map<string, Store>();
/** The latest auth states opened on each location, so a logout can silence older sockets' too. */
const openStates = new Map<string, (() => void)[]>();
const REMEMBERED_STATES = 5;
/** Kept writes by location, then by name: content, or null for a removal. Reads see them. */
const unwritten = new Map<string, Map<string, string | null>>();
/** Locations reported unwritable and not reported writable again. */
const refusing = new Set<string>();
const RETRY_UNWRITTEN_MS = 1_000;
let retryTimer: NodeJS.Timeout | null = null;

/** Drops every write to this location that has not run yet, from every auth state on it. */
export function closeAuthStorage(location: string): void {
  for (const close of openStates.get(location) ?? []) close();
  openStates.delete(location);
  unwritten.delete(location);
  forgetKeyFiles(location);
  // Nothing of it is held in memory any more, so a crash can no longer lose any of it.
  settleIfAllWritten(location);
}

export async function useAuthState(
  storage: AuthStorage,
  options: AuthStateOptions = {},
): Promise<AtomicAuthState> {
  const { location } = storage;
  stores.set(location, { storage, options });
  // What this process remembers of the files may be older than the storage (another node wrote it)
  forgetKeyFiles(location);
  await storage.prepare?.();
  let isClosed = false;
  const states = openStates.get(location) ?? [];
  states.push(() => {
    isClosed = true;
  });
  if (states.length > REMEMBERED_STATES) states.shift();
  openStates.set(location, states);
  const nameOf = (key: string) => key.replace(/\//g, "__").replace(/:/g, "-");

  const write = async (changes: Map<string, string | null>) => {
    if (isClosed || changes.size === 0) return;
    keyFilesWritten(location, changes.has(CREDS_FILE) ? withoutCreds(changes) : changes);
    return serialized(location, [...changes.keys()], async () => {
      if (!isClosed) await store(location, changes);
    });
  };
  const readStored = async (name: string): Promise<string | null> => {
    let content: string | null = null;
    await serialized(location, [name], async () => {
      const kept = unwritten.get(location);
      // A failed read throws: "no credentials" would start a new device and overwrite the linked one.
      content = kept?.has(name) ? (kept.get(name) ?? null) : await storage.read(name);
    });
    return content;
  };
  const readKeyFile = async (name: string): Promise<string | null> => {
    const cached = cachedKeyFile(location, name);
    return cached !== undefined ? cached : readKeyFileThrough(location, name, () => readStored(name));
  };
  const read = async (name: string): Promise<unknown> => {
    const content = name === CREDS_FILE ? await readStored(name) : await readKeyFile(name);
    try {
      return content === null ? null : JSON.parse(content, baileys.BufferJSON.reviver);
    } catch {
      return null;
    }
  };
  const text = (data: unknown) => JSON.stringify(data, baileys.BufferJSON.replacer);

  const creds = ((await read(CREDS_FILE)) as AuthenticationCreds | null) ?? baileys.initAuthCreds();
  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const data: { [id: string]: SignalDataTypeMap[T] } = {};
        await Promise.all(
          ids.map(async (id) => {
            let value = await read(nameOf(`${type}-${id}.json`));
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
        const changes = new Map<string, string | null>();
        for (const [category, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            changes.set(nameOf(`${category}-${id}.json`), value ? text(value) : null);
          }
        }
        await write(changes);
      },
    },
  };
  return { state, saveCreds: () => write(new Map([[CREDS_FILE, text(creds)]])) };
}

const queues = new Map<string, Promise<void>>();
/** Runs after every earlier work on any of these files, and before any later one. */
function serialized(location: string, names: string[], work: () => Promise<void>): Promise<void> {
  const keys = names.map((name) => `${location}\0${name}`);
  const before = Promise.all(keys.map((key) => (queues.get(key) ?? Promise.resolve()).catch(() => {})));
  const next = before.then(work);
  const settled = next.catch(() => {});
  for (const key of keys) queues.set(key, settled);
  return next.finally(() => {
    for (const key of keys) if (queues.get(key) === settled) queues.delete(key);
  });
}

async function store(location: string, changes: Map<string, string | null>): Promise<void> {
  const entry = stores.get(location);
  if (!entry) return;
  const { storage, options } = entry;
  try {
    await storage.commit(changes);
    const kept = unwritten.get(location);
    for (const name of changes.keys()) kept?.delete(name);
    settleIfAllWritten(location);
  } catch (error) {
    const failure = storage.classify(error);
    if (failure?.kind === "fenced") {
      // Never to land: forget what was kept too, so a read no longer serves it either.
      for (const name of changes.keys()) unwritten.get(location)?.delete(name);
      forgetKeyFiles(location);
      settleIfAllWritten(location);
      options.onFenced?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (failure?.kind !== "unwritable") {
      // not landed, nor kept: a read must go to the storage again
      forgetKeyFiles(location, changes.keys());
      throw error;
    }
    const kept = unwritten.get(location) ?? new Map<string, string | null>();
    for (const [name, content] of changes) kept.set(name, content);
    unwritten.set(location, kept);
    retryUnwrittenLater();
    if (refusing.has(location)) return;
    refusing.add(location);
    // Names the store and the code only: the content is key material and must not reach a log or the panel.
    options.onUnwritable?.(
      new Error(
        `${storage.description} refuses writes (${failure.code}): keeping the key updates in memory until it takes them again`,
        { cause: error },
      ),
    );
  }
}

function settleIfAllWritten(location: string): void {
  if (!refusing.has(location) || (unwritten.get(location)?.size ?? 0) > 0) return;
  refusing.delete(location);
  stores.get(location)?.options.onWritable?.();
}

function retryUnwrittenLater(): void {
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    for (const [location, kept] of unwritten) {
      if (kept.size === 0) continue;
      const changes = new Map(kept);
      // in the files' queues, so a newer write that is already waiting lands after this one
      void serialized(location, [...changes.keys()], async () => {
        const current = unwritten.get(location);
        const still = new Map([...changes].filter(([name, content]) => current?.get(name) === content));
        if (still.size > 0) await store(location, still);
      }).catch(() => {
        // Refused in another way (e.g. the folder was removed by hand): the writes still have not
        // landed, so they stay kept and reported, and are tried again rather than forgotten.
        retryUnwrittenLater();
      });
    }
  }, RETRY_UNWRITTEN_MS);
  // pending writes alone must not keep a process alive that is otherwise done
  retryTimer.unref();
}

function withoutCreds(changes: Map<string, string | null>): Map<string, string | null> {
  return new Map([...changes].filter(([name]) => name !== CREDS_FILE));
}
