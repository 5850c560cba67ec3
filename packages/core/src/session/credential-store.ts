/**
 * What the session needs to know of its saved credentials, wherever they live: whether a device is
 * linked (creds.json exists) and, after a logout, moving them aside — never deleting them. The folder
 * `<sessionsDir>/<sessionId>/` (SQLite, the default) or the `WhatsAppCredential` rows (PostgreSQL).
 */
import { backUpCredentialsInDatabase, hasCredentialsInDatabase } from "@kabar/db";
import type { CredentialLocation } from "../whatsapp/adapters/wa-multi-session/database-auth-state.js";
import { backUpSessionFolder, hasSavedCredentials } from "./session-folder.js";

export interface CredentialStore {
  /** Where they live, for log lines: "wa_sessions/.backup" or "the database". */
  backupPlace: string;
  hasSaved(sessionId: string): Promise<boolean>;
  /**
   * Moves them to a backup (a folder under .backup, or rows under `<sessionId>.backup-<time>`); null when
   * there was nothing. The folder's move is synchronous, so a logout's status follows it in the same tick.
   */
  backUp(sessionId: string): string | null | Promise<string | null>;
}

export function createCredentialStore(sessionsDir: string, location?: CredentialLocation): CredentialStore {
  if (location?.kind === "database") {
    const { db, fence } = location;
    return {
      backupPlace: "a backup in the database",
      hasSaved: (sessionId) => hasCredentialsInDatabase(db, sessionId),
      backUp: (sessionId) => backUpCredentialsInDatabase(db, sessionId, fence),
    };
  }
  return {
    backupPlace: "wa_sessions/.backup",
    hasSaved: async (sessionId) => hasSavedCredentials(sessionsDir, sessionId),
    backUp: (sessionId) => backUpSessionFolder(sessionsDir, sessionId),
  };
}
