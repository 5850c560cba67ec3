/**
 * The WhatsApp credentials in the database (PostgreSQL): one row per file of Baileys' multi-file auth
 * state, with the file's name and its exact text, so a folder and the table hold the same thing.
 *
 * Every change is fenced: it lands only while this node holds the session's lease with this token,
 * checked in the same statement that writes (the lease row is locked FOR SHARE, so a takeover waits
 * for the write to commit or sees it refused). A node that lost the lease can no longer write keys
 * over the new owner's.
 */
import type { PrismaClient } from "../../generated/client/index.js";

/** Who writes: the lease holder's node id and the token it took the lease with. */
export interface CredentialFence {
  nodeId: string;
  token: number;
}

/**
 * The writer's current fence; null while it does not hold the lease (every write is then refused).
 * Absent: a single node on PostgreSQL without a lease, whose writes are not fenced.
 */
export type FenceSource = () => CredentialFence | null;

/** A change refused because the writer does not hold the lease (any more). */
export class CredentialsFencedError extends Error {
  override readonly name = "CredentialsFencedError";
  constructor(sessionId: string, fence: CredentialFence | null) {
    super(
      fence
        ? `WhatsApp credentials of ${sessionId} not written: node ${fence.nodeId} no longer holds the session's lease with token ${fence.token}`
        : `WhatsApp credentials of ${sessionId} not written: this node does not hold the session's lease`,
    );
  }
}

/** A file's new content, or null to remove it. */
export type CredentialChanges = ReadonlyMap<string, string | null>;

/**
 * The key of the one SessionLease row: a node owns "the WhatsApp session", whichever session record exists
 * (core's cluster/session-lease.ts takes and renews it).
 */
export const SESSION_LEASE_KEY = "whatsapp";

const LEASE_CHECK = `SELECT 1 FROM "SessionLease" WHERE "sessionId" = '${SESSION_LEASE_KEY}' AND "holder" = $2 AND "token" = $3 FOR SHARE`;

/**
 * The lease check as a CTE plus its parameters, or an always-true one when unfenced. Throws (before any
 * query) when the fence says this node does not hold the lease.
 */
function fenced(sessionId: string, fence: FenceSource | undefined): { cte: string; params: unknown[] } {
  // $2 and $3 still typed, or PostgreSQL cannot tell the unused parameters' types
  if (!fence) return { cte: "lease AS (SELECT $2::text, $3::int)", params: [sessionId, "", 0] };
  const current = fence();
  if (!current) throw new CredentialsFencedError(sessionId, null);
  return { cte: `lease AS (${LEASE_CHECK})`, params: [sessionId, current.nodeId, current.token] };
}

function refuseUnlessHolder(rows: { isHolder: boolean }[], sessionId: string, fence?: FenceSource): void {
  if (rows[0]?.isHolder === true) return;
  throw new CredentialsFencedError(sessionId, fence?.() ?? null);
}

/** Writes and removes files of one session in one statement: all land, or none (and it throws). */
export async function commitCredentials(
  db: PrismaClient,
  sessionId: string,
  changes: CredentialChanges,
  fence?: FenceSource,
): Promise<void> {
  const written = [...changes].filter((entry): entry is [string, string] => entry[1] !== null);
  const removed = [...changes].filter(([, content]) => content === null).map(([name]) => name);
  const { cte, params } = fenced(sessionId, fence);
  const rows = await db.$queryRawUnsafe<{ isHolder: boolean }[]>(
    `WITH ${cte},
    written AS (
      INSERT INTO "WhatsAppCredential" ("sessionId", "name", "content", "updatedAt")
      SELECT $1, entry.name, entry.content, now() AT TIME ZONE 'UTC'
      FROM unnest($4::text[], $5::text[]) AS entry(name, content)
      WHERE EXISTS (SELECT 1 FROM lease)
      ON CONFLICT ("sessionId", "name")
      DO UPDATE SET "content" = EXCLUDED."content", "updatedAt" = EXCLUDED."updatedAt"
      RETURNING 1
    ),
    removed AS (
      DELETE FROM "WhatsAppCredential"
      WHERE "sessionId" = $1 AND "name" = ANY($6::text[]) AND EXISTS (SELECT 1 FROM lease)
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM lease) AS "isHolder"`,
    ...params,
    written.map(([name]) => name),
    written.map(([, content]) => content),
    removed,
  );
  refuseUnlessHolder(rows, sessionId, fence);
}

export async function readCredential(
  db: PrismaClient,
  sessionId: string,
  name: string,
): Promise<string | null> {
  const row = await db.whatsAppCredential.findUnique({
    where: { sessionId_name: { sessionId, name } },
    select: { content: true },
  });
  return row?.content ?? null;
}

/** Every file of a session, by name (the move command's copy and check). */
export async function readAllCredentials(db: PrismaClient, sessionId: string): Promise<Map<string, string>> {
  const rows = await db.whatsAppCredential.findMany({
    where: { sessionId },
    select: { name: true, content: true },
    orderBy: { name: "asc" },
  });
  return new Map(rows.map((row) => [row.name, row.content]));
}

/** Same test as the folder's: Baileys writes creds.json once the device exists. */
export async function hasCredentialsInDatabase(db: PrismaClient, sessionId: string): Promise<boolean> {
  return (await readCredential(db, sessionId, CREDS_NAME)) !== null;
}

export const CREDS_NAME = "creds.json";

/** The backup name of a session's rows: `<sessionId>.backup-<UTC time>`, never a valid sessionId. */
export function credentialBackupName(sessionId: string, now: Date, attempt = 1): string {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  return `${sessionId}.backup-${stamp}${attempt > 1 ? `-${attempt}` : ""}`;
}

/**
 * Moves a session's rows aside after a logout (they are never deleted), fenced like a write. Returns the
 * backup name, or null when there was nothing to move.
 */
export async function backUpCredentialsInDatabase(
  db: PrismaClient,
  sessionId: string,
  fence?: FenceSource,
  now = new Date(),
): Promise<string | null> {
  if ((await db.whatsAppCredential.count({ where: { sessionId } })) === 0) return null;
  let backup = credentialBackupName(sessionId, now);
  for (
    let attempt = 2;
    (await db.whatsAppCredential.count({ where: { sessionId: backup } })) > 0;
    attempt += 1
  ) {
    backup = credentialBackupName(sessionId, now, attempt);
  }
  const { cte, params } = fenced(sessionId, fence);
  const rows = await db.$queryRawUnsafe<{ isHolder: boolean }[]>(
    `WITH ${cte},
    moved AS (
      UPDATE "WhatsAppCredential" SET "sessionId" = $4
      WHERE "sessionId" = $1 AND EXISTS (SELECT 1 FROM lease)
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM lease) AS "isHolder"`,
    ...params,
    backup,
  );
  refuseUnlessHolder(rows, sessionId, fence);
  return backup;
}
