import fs from "node:fs";
import path from "node:path";
import { defaultDatabasePath, repoRoot } from "./paths.js";

const FIX = "point DATABASE_URL at a writable SQLite file, e.g. file:./data/kabar.db";
const SCHEME_FIX = `${FIX}, or at PostgreSQL, e.g. postgresql://user@host:5432/kabar`;
const SQLITE_HEADER = "SQLite format 3\0";

/** A DATABASE_URL the product cannot use. The message is one line naming the problem and the fix,
 * meant to be printed as is at start-up instead of a stack trace. */
export class DatabaseUrlError extends Error {
  override readonly name = "DatabaseUrlError";
  constructor(url: string, problem: string, fix: string = FIX) {
    super(`DATABASE_URL "${url}": ${problem} — ${fix}`);
  }
}

/** The database URL from the environment (DATABASE_URL, default file:<repo>/data/kabar.db) as an
 * absolute file: URL. Relative paths resolve against the repo root so every package agrees. */
export function resolveDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  const configured = env.DATABASE_URL?.trim();
  if (configured && isPostgresUrl(configured)) return checkPostgresUrl(configured);
  return toFileUrl(configured ? databaseFilePath(configured) : defaultDatabasePath);
}

/** postgresql:// or postgres:// selects PostgreSQL; file: (or a path) stays SQLite. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

function checkPostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(
      redactPassword(url),
      "is not a valid URL",
      "write it as postgresql://user:password@host:5432/database",
    );
  }
  if (parsed.hostname === "" || parsed.pathname.replace(/^\//, "") === "") {
    return fail(
      redactPassword(url),
      "names no host or no database",
      "write it as postgresql://user:password@host:5432/database",
    );
  }
  return url;
}

/** The URL with its password replaced by ***, for messages and logs. */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return url;
    parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ":***@");
  }
}

/**
 * The folder of the product's own files beside the database (media, uploads): the SQLite file's folder,
 * or <repo>/data when the database is PostgreSQL.
 */
export function dataDirectory(url: string): string {
  return isPostgresUrl(url) ? path.dirname(defaultDatabasePath) : path.dirname(databaseFilePath(url));
}

// libsql percent-decodes the path of a file: URL, so a folder named "50%" must travel as "50%25"
export function toFileUrl(file: string): string {
  return `file:${file.replace(/[%?#]/g, (character) => encodeURIComponent(character))}`;
}

/** The file a file: URL names; throws DatabaseUrlError for anything that is not an SQLite file URL. */
export function databaseFilePath(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (match?.[1]?.toLowerCase() !== "file") {
    const scheme = match?.[1] ? `"${match[1]}:"` : "no scheme";
    return fail(
      url,
      `${scheme} is not supported, Kabar stores its data in an SQLite file (file:) or in PostgreSQL (postgresql://)`,
      SCHEME_FIX,
    );
  }
  let location = url.slice(match[0].length);
  if (/[?#]/.test(location)) return fail(url, "query parameters and fragments are not supported");
  // file:///abs and file://localhost/abs are the URL forms of file:/abs
  if (location.startsWith("//")) {
    const slash = location.indexOf("/", 2);
    const host = location.slice(2, slash === -1 ? undefined : slash);
    if (host !== "" && host !== "localhost") return fail(url, `"${host}" is a host; only local files work`);
    location = slash === -1 ? "" : location.slice(slash);
  }
  if (location === "" || location === ":memory:") {
    return fail(url, "an in-memory database would lose everything on restart");
  }
  try {
    return path.resolve(repoRoot, decodeURIComponent(location));
  } catch {
    return fail(url, "the path has a malformed %-escape");
  }
}

function fail(url: string, problem: string, fix?: string): never {
  throw new DatabaseUrlError(url, problem, fix);
}

/** Makes sure the database file can be opened for writing: creates its folder, and refuses a folder that
 * is not writable or an existing file that is not an SQLite database. Returns the file's path. */
export function prepareDatabaseFile(url: string): string {
  const file = databaseFilePath(url);
  const folder = path.dirname(file);
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    fail(url, `folder ${folder} cannot be created (${errorCode(error)})`);
  }
  if (!fs.statSync(folder).isDirectory()) fail(url, `${folder} is not a folder`);
  if (!canCreateFileIn(folder)) fail(url, `folder ${folder} is not writable`);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  const isFirstLook = !openedFiles.has(file);
  // recorded before SQLite opens it (right after this returns), so no later call reads its header again
  const prepared = (): string => {
    openedFiles.add(file);
    return file;
  };
  if (stat === undefined) {
    // Created empty (SQLite takes an empty file as a new database) so it starts private: SQLite gives
    // the -wal and -shm files the database file's permissions.
    try {
      fs.closeSync(fs.openSync(file, "wx", 0o600));
    } catch (error) {
      // Another process starting at the same moment made it first: theirs is as good.
      if (errorCode(error) !== "EEXIST") fail(url, `${file} cannot be created (${errorCode(error)})`);
    }
    return prepared();
  }
  if (!stat.isFile()) fail(url, `${file} is not a file`);
  if (!isWritable(file)) fail(url, `${file} is not writable`);
  if (isFirstLook && stat.size > 0 && readHeader(file) !== SQLITE_HEADER) {
    fail(
      url,
      `${file} is not an SQLite database`,
      `point DATABASE_URL at a new or existing SQLite file, e.g. file:./data/kabar.db`,
    );
  }
  return prepared();
}

// Database files this process has prepared, and so may have open in SQLite. The header is read only the
// first time, before SQLite opens the file: closing any descriptor of a file drops every POSIX lock this
// process holds on it, SQLite's included (https://sqlite.org/howtocorrupt.html, 2.2). Reading it again
// while a connection was open (createDatabase right after migrateDatabase did) took away the SHARED lock a
// WAL connection keeps on the file; another process closing its connection then thought it was the last
// one, checkpointed and deleted the WAL under us: SQLITE_CORRUPT and disk I/O errors on every later query.
const openedFiles = new Set<string>();

// access(W_OK) says yes to root even on read-only mounts and pseudo file systems such as /proc, where
// SQLite later fails with a cryptic SQLITE_CANTOPEN; creating a file is the honest test.
function canCreateFileIn(folder: string): boolean {
  const probe = path.join(folder, `.kabar-write-test-${process.pid}`);
  try {
    fs.closeSync(fs.openSync(probe, "wx"));
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

function isWritable(target: string): boolean {
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function readHeader(file: string): string {
  const buffer = Buffer.alloc(SQLITE_HEADER.length);
  const handle = fs.openSync(file, "r");
  try {
    const bytesRead = fs.readSync(handle, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("latin1");
  } finally {
    fs.closeSync(handle);
  }
}

function errorCode(error: unknown): string {
  return error instanceof Error && "code" in error && typeof error.code === "string"
    ? error.code
    : "unknown error";
}
