/**
 * The `WhatsAppCredential` table as the auth state's storage (see auth-state.ts), used on PostgreSQL so
 * any node can take the session over without a QR. Rows carry the very names and texts of the folder's
 * files; every commit is one statement, fenced by the session's lease (see @kabar/db credential-table).
 */
import {
  type CredentialFence,
  CredentialsFencedError,
  commitCredentials,
  type FenceSource,
  type PrismaClient,
  readCredential,
} from "@kabar/db";
import { resolveSessionFolder } from "../../../session/session-folder.js";
import { folderAuthStorage } from "./atomic-auth-state.js";
import type { AuthStorage } from "./auth-state.js";

export type { CredentialFence, FenceSource };

/** Where the adapter keeps credentials: `<sessionsDir>/<sessionId>/` (default) or the database. */
export type CredentialLocation =
  | { kind: "folder" }
  | {
      kind: "database";
      db: PrismaClient;
      /** The lease's fence; absent on a single node without a lease (writes then unfenced). */
      fence?: FenceSource;
    };

/** Each session's storage for one port: its folder in sessionsDir, or its rows in the database. */
export function credentialStorages(
  sessionsDir: string,
  location: CredentialLocation = { kind: "folder" },
): (sessionId: string) => AuthStorage {
  if (location.kind === "folder")
    return (sessionId) => folderAuthStorage(resolveSessionFolder(sessionsDir, sessionId));
  const storeKey = databaseStoreKey();
  return (sessionId) => databaseAuthStorage(location, storeKey, sessionId);
}

let stores = 0;

/**
 * A key for the auth states of one database store, unique in the process: two nodes in one test process
 * share the database but must never share what either holds in memory.
 */
export function databaseStoreKey(): string {
  stores += 1;
  return `database#${stores}`;
}

export function databaseAuthStorage(
  location: { db: PrismaClient; fence?: FenceSource },
  storeKey: string,
  sessionId: string,
): AuthStorage {
  const { db, fence } = location;
  return {
    location: `${storeKey}:${sessionId}`,
    description: `the database's WhatsApp credentials of ${sessionId}`,
    read: (name) => readCredential(db, sessionId, name),
    commit: (changes) => commitCredentials(db, sessionId, changes, fence),
    classify(error) {
      if (error instanceof CredentialsFencedError) return { kind: "fenced" };
      // Unreachable, restarting, out of connections: kept in memory and retried, as a full disk.
      return { kind: "unwritable", code: errorCode(error) };
    },
  };
}

/** A short cause for the report: the driver's code or the error's name, never its text (it may quote content). */
function errorCode(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") return error.code;
  return error instanceof Error ? error.name : "unknown error";
}
