/**
 * `pnpm whatsapp:credentials -- --to database|folder [--force]`: copies the session's credentials from
 * `<WA_SESSIONS_DIR>/<sessionId>/` into the `WhatsAppCredential` table (PostgreSQL) or back, file for
 * file with the same names and texts, then reads the target back and compares. The source stays where
 * it was; a target that already holds credentials is moved to a backup first, and only with --force.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "../../generated/client/index.js";
import { isPostgresUrl, redactPassword } from "../database-url.js";
import { THE_SESSION_ORDER } from "../the-session-order.js";
import { moveFolderToBackup } from "../whatsapp-session/backup-folder.js";
import {
  describeSession,
  isHeartbeatFresh,
  SESSION_ID_PATTERN,
} from "../whatsapp-session/session-summary.js";
import {
  backUpCredentialsInDatabase,
  CREDS_NAME,
  commitCredentials,
  readAllCredentials,
  SESSION_LEASE_KEY,
} from "./credential-table.js";

/** A refusal or a bad argument; the message is one line naming what to do. */
export class MoveCredentialsError extends Error {
  override readonly name = "MoveCredentialsError";
}

export type MoveTarget = "database" | "folder";
export interface MoveOptions {
  to: MoveTarget;
  force: boolean;
}

export const MOVE_USAGE = "usage: pnpm whatsapp:credentials -- --to database|folder [--force]";

/** The command line: `--to database` or `--to folder` (or `--to=…`), and `--force`; anything else is refused. */
export function parseMoveArguments(args: readonly string[]): MoveOptions {
  let to: string | undefined;
  let force = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? "";
    // pnpm passes the "--" that separates its own options through to the script
    if (arg === "--") continue;
    if (arg === "--force") force = true;
    else if (arg === "--to") to = args[++index];
    else if (arg.startsWith("--to=")) to = arg.slice("--to=".length);
    else throw new MoveCredentialsError(`unknown argument "${arg}" — ${MOVE_USAGE}`);
  }
  if (to === undefined) throw new MoveCredentialsError(`--to is required — ${MOVE_USAGE}`);
  if (to !== "database" && to !== "folder") {
    throw new MoveCredentialsError(`--to must be "database" or "folder", not "${to}" — ${MOVE_USAGE}`);
  }
  return { to, force };
}

/** Credentials live in the database only on PostgreSQL. */
export function refuseUnlessPostgres(databaseUrl: string): void {
  if (isPostgresUrl(databaseUrl)) return;
  throw new MoveCredentialsError(
    `DATABASE_URL ${redactPassword(databaseUrl)} is SQLite; credentials live in the database only on PostgreSQL — set DATABASE_URL=postgresql://…`,
  );
}

export interface MoveContext {
  database: PrismaClient;
  databaseUrl: string;
  sessionsDir: string;
  now?: Date;
}

export async function moveCredentials(context: MoveContext, options: MoveOptions): Promise<string[]> {
  const { database, databaseUrl, sessionsDir } = context;
  const now = context.now ?? new Date();
  refuseUnlessPostgres(databaseUrl);
  const sessionId = await refuseWhileRunning(database, now);
  const folder = path.join(sessionsDir, sessionId);
  const folderSide: Side = {
    name: folder,
    read: async () => readFolder(folder),
    isEmpty: async () => !fs.existsSync(folder) || fs.readdirSync(folder).length === 0,
    backUp: async () => moveFolderToBackup(sessionsDir, sessionId, now),
    write: async (files) => writeFolder(sessionsDir, sessionId, files),
  };
  const databaseSide: Side = {
    name: `the database (session ${sessionId})`,
    read: () => readAllCredentials(database, sessionId),
    isEmpty: async () => (await database.whatsAppCredential.count({ where: { sessionId } })) === 0,
    backUp: () => backUpCredentialsInDatabase(database, sessionId, undefined, now),
    write: (files) => commitCredentials(database, sessionId, files),
  };
  const [from, to] = options.to === "database" ? [folderSide, databaseSide] : [databaseSide, folderSide];

  const source = await from.read();
  if (!source.has(CREDS_NAME)) {
    throw new MoveCredentialsError(`${from.name} holds no ${CREDS_NAME}: there is no linked device to move`);
  }
  const lines: string[] = [];
  if (!(await to.isEmpty())) {
    if (!options.force) {
      throw new MoveCredentialsError(
        `${to.name} already holds credentials; add --force to move them to a backup and copy over them`,
      );
    }
    lines.push(`Moved what ${to.name} held to the backup ${await to.backUp()}.`);
  }
  await to.write(source);
  const mismatch = differences(source, await to.read());
  if (mismatch.length > 0) {
    throw new MoveCredentialsError(
      `the copy in ${to.name} does not match its source (${mismatch.slice(0, 3).join(", ")}${mismatch.length > 3 ? ", …" : ""}); the source is unchanged`,
    );
  }
  lines.push(
    `Copied ${source.size} credential files from ${from.name} to ${to.name} and checked every one.`,
    `The source is left in place: remove it yourself once the server runs with the credentials in ${options.to === "database" ? "the database" : "the folder"}.`,
  );
  return lines;
}

/** One end of the move. */
interface Side {
  name: string;
  read(): Promise<Map<string, string>>;
  isEmpty(): Promise<boolean>;
  /** Moves what it holds to a backup; returns where. */
  backUp(): Promise<string | null>;
  write(files: ReadonlyMap<string, string>): Promise<void>;
}

/** The one session's id, unless a server holds it (fresh heartbeat or a live lease). */
async function refuseWhileRunning(database: PrismaClient, now: Date): Promise<string> {
  const session = await database.whatsAppSession.findFirst({
    select: { name: true, sessionId: true, heartbeatAt: true },
    orderBy: [...THE_SESSION_ORDER],
  });
  if (!session)
    throw new MoveCredentialsError("no WhatsApp session exists; there are no credentials to move");
  if (!SESSION_ID_PATTERN.test(session.sessionId)) {
    throw new MoveCredentialsError(
      `"${session.sessionId}" is not a valid session id; it must never name a path`,
    );
  }
  const lease = await database.sessionLease.findUnique({
    where: { sessionId: SESSION_LEASE_KEY },
    select: { holder: true, expiresAt: true },
  });
  const running =
    lease && lease.expiresAt.getTime() > now.getTime()
      ? `node ${lease.holder} holds its lease`
      : isHeartbeatFresh(session.heartbeatAt, now)
        ? "a running server holds it"
        : null;
  if (running) {
    throw new MoveCredentialsError(
      `${describeSession(session)} is in use (${running}) — stop the server, then run pnpm whatsapp:credentials again`,
    );
  }
  return session.sessionId;
}

/** The folder's files by name; a missing folder is empty. Temp files of an interrupted write are not credentials. */
function readFolder(folder: string): Map<string, string> {
  if (!fs.existsSync(folder)) return new Map();
  const names = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".tmp"))
    .map((entry) => entry.name)
    .sort();
  return new Map(names.map((name) => [name, fs.readFileSync(path.join(folder, name), "utf8")]));
}

/** Written beside the target and renamed into place: a crash never leaves half a folder under the session's name. */
function writeFolder(sessionsDir: string, sessionId: string, files: ReadonlyMap<string, string>): void {
  fs.mkdirSync(sessionsDir, { recursive: true, mode: 0o700 });
  const staging = path.join(sessionsDir, `.${sessionId}.moving-${randomBytes(4).toString("hex")}`);
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    for (const [name, content] of files) {
      if (name !== path.basename(name) || name.startsWith(".")) {
        throw new MoveCredentialsError(
          `the database holds a credential named "${name}", which is not a file name`,
        );
      }
      fs.writeFileSync(path.join(staging, name), content, { encoding: "utf8", mode: 0o600 });
    }
    fs.renameSync(staging, path.join(sessionsDir, sessionId));
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function differences(source: ReadonlyMap<string, string>, copy: ReadonlyMap<string, string>): string[] {
  const names = new Set([...source.keys(), ...copy.keys()]);
  return [...names].filter((name) => source.get(name) !== copy.get(name));
}
