/**
 * The key files of each auth-state location (auth-state.ts) as last read or written, so a send's
 * Signal session lookups (Baileys' `assertSessions`, libsignal's session load) come from memory rather
 * than from the folder or the database: those reads were ~0.7 ms of every message's way to WhatsApp
 * (BENCHMARKS.md, figure 8). Baileys recommends the same for its own stores (makeCacheableSignalKeyStore).
 *
 * It stays true because every write of a location in this process goes through auth-state.ts, which
 * tells it at once (`written`), in the order the writes are issued — the order they land in. What it
 * cannot see, it forgets: a new auth state on a location starts from the storage (another node may have
 * written the database while this one did not hold the session), and so do a logout, fenced writes and
 * a write the storage refused.
 */

/** Entries kept per location: sessions, sender keys, app-state keys are a few KB each. */
const MAX_ENTRIES = 1_000;

interface Flight {
  readers: number;
  /** A write was issued while this read was in flight: what the read found may be older. */
  isWritten: boolean;
}

interface LocationCache {
  /** Content by file name, null for a file known not to exist; oldest use first. */
  entries: Map<string, string | null>;
  /** Reads of the storage still running, by file name. */
  flights: Map<string, Flight>;
}

const locations = new Map<string, LocationCache>();

function cacheOf(location: string): LocationCache {
  let cache = locations.get(location);
  if (!cache) {
    cache = { entries: new Map(), flights: new Map() };
    locations.set(location, cache);
  }
  return cache;
}

function put(cache: LocationCache, name: string, content: string | null): void {
  cache.entries.delete(name);
  cache.entries.set(name, content);
  if (cache.entries.size > MAX_ENTRIES) {
    const [oldest] = cache.entries.keys();
    if (oldest !== undefined) cache.entries.delete(oldest);
  }
}

/** The file's content, null when it is known not to exist, undefined when it must be read. */
export function cachedKeyFile(location: string, name: string): string | null | undefined {
  const cache = locations.get(location);
  const content = cache?.entries.get(name);
  if (cache && content !== undefined) put(cache, name, content);
  return content;
}

/**
 * Reads the file through `read` (the storage, in the file's queue) and keeps what it found, unless a
 * write of the file was issued meanwhile: that write's content is the newer one.
 */
export async function readKeyFileThrough(
  location: string,
  name: string,
  read: () => Promise<string | null>,
): Promise<string | null> {
  const cache = cacheOf(location);
  const flight = cache.flights.get(name) ?? { readers: 0, isWritten: false };
  flight.readers += 1;
  cache.flights.set(name, flight);
  try {
    const content = await read();
    // the location may have been forgotten meanwhile (a logout): then keep nothing
    if (!flight.isWritten && locations.get(location) === cache) put(cache, name, content);
    return content;
  } finally {
    flight.readers -= 1;
    if (flight.readers === 0 && cache.flights.get(name) === flight) cache.flights.delete(name);
  }
}

/** Writes just issued, in issue order: from now on they are what a read must see. */
export function keyFilesWritten(location: string, changes: ReadonlyMap<string, string | null>): void {
  const cache = cacheOf(location);
  for (const [name, content] of changes) {
    put(cache, name, content);
    const flight = cache.flights.get(name);
    if (flight) flight.isWritten = true;
  }
}

/** Forgets some files of a location (a write that did not land), or all of them. */
export function forgetKeyFiles(location: string, names?: Iterable<string>): void {
  const cache = locations.get(location);
  if (!cache) return;
  if (names === undefined) {
    // running reads keep their own flights and find the location replaced: they keep nothing
    locations.delete(location);
    return;
  }
  for (const name of names) {
    cache.entries.delete(name);
    const flight = cache.flights.get(name);
    if (flight) flight.isWritten = true;
  }
}
