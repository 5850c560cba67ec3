/**
 * The seed's library API: module-level functions over one Kabar. A script calls them directly
 * and gets a Kabar built lazily from the environment; a server that already built one hands it
 * over with configureWhatsApp(kabar), so both share one session and one outbox (a second Kabar
 * would be refused by the session lock anyway).
 */
import { resolveDatabaseUrl, resolveSessionsDir } from "@kabar/db";
import { z } from "zod";
import type {
  Kabar,
  KabarOptions,
  SendOptions,
  SendResult,
  SessionRecord,
  SessionStatus,
} from "./contract.js";
import { createKabar } from "./create-kabar.js";
import { parseInput } from "./session/parse-input.js";
import { waWebVersionText } from "./session/wa-web-version.js";
import type { SendMessageInput } from "./schemas.js";

const libraryEnvSchema = z.object({
  DATABASE_URL: z.string().optional(),
  WA_SESSIONS_DIR: z.string().optional(),
  WHATSAPP_WS_URL: z
    .string()
    .trim()
    .regex(/^wss?:\/\//, {
      error: "WHATSAPP_WS_URL must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:8300/ws/chat",
    })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  WA_WEB_VERSION: waWebVersionText.optional().or(z.literal("").transform(() => undefined)),
  WA_WEB_VERSION_URL: z
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/** The only place the library reads the environment. */
export function readLibraryEnv(env: Record<string, string | undefined> = process.env): KabarOptions {
  const parsed = parseInput(libraryEnvSchema, env);
  return {
    databaseUrl: resolveDatabaseUrl(parsed),
    sessionsDir: resolveSessionsDir(parsed),
    ...(parsed.WHATSAPP_WS_URL ? { whatsappWsUrl: parsed.WHATSAPP_WS_URL } : {}),
    ...(parsed.WA_WEB_VERSION ? { waWebVersion: parsed.WA_WEB_VERSION } : {}),
    ...(parsed.WA_WEB_VERSION_URL ? { waWebVersionUrl: parsed.WA_WEB_VERSION_URL } : {}),
  };
}

let current: Promise<Kabar> | null = null;
/** The Kabar once built, so the seed's synchronous checks can read its status from memory. */
let ready: Kabar | null = null;
/** Only a Kabar the library built itself is closed by closeWhatsApp(). */
let isOwned = false;

/** Makes the library functions use a Kabar built elsewhere (the API server does this at start). */
export function configureWhatsApp(kabar: Kabar): void {
  current = Promise.resolve(kabar);
  ready = kabar;
  isOwned = false;
}

/** Closes the default Kabar if the library built it; the next call builds a new one. */
export async function closeWhatsApp(): Promise<void> {
  const closing = current;
  current = null;
  ready = null;
  if (closing && isOwned) await (await closing).close();
  isOwned = false;
}

function kabar(): Promise<Kabar> {
  if (!current) {
    isOwned = true;
    // A script has no other entry point, so the library asks for the process guards.
    const building: Promise<Kabar> = createKabar({ ...readLibraryEnv(), installProcessGuards: true }).then(
      (built) => {
        // closeWhatsApp() may have run meanwhile; a closed Kabar must not answer the sync checks.
        if (current === building) ready = built;
        return built;
      },
      (error: unknown) => {
        // A failed start (e.g. the session lock is held) must not poison every later call.
        if (current === building) current = null;
        throw error;
      },
    );
    current = building;
  }
  return current;
}

export interface WhatsAppSendResult extends SendResult {
  success: true;
  /** The same as id; the seed's name for it. */
  messageId: string;
  /** The session the message goes out on. */
  sessionName: string;
}

/**
 * Queues a WhatsApp message. Resolves once it is stored (status "queued"), or once WhatsApp
 * acknowledged it with `{ waitFor: "sent" }`. A sessionName that does not match the one session
 * falls back to it, and usedDefaultSession says so.
 */
export async function sendWhatsAppMessage(
  input: SendMessageInput,
  options?: SendOptions,
): Promise<WhatsAppSendResult> {
  const instance = await kabar();
  const result = await instance.messages.send(input, options);
  const session = await instance.sessions.get();
  return { ...result, success: true, messageId: result.id, sessionName: session?.name ?? "" };
}

export function sendWhatsAppMessageWithSession(
  sessionName: string,
  to: string,
  message: string,
  options?: SendOptions,
): Promise<WhatsAppSendResult> {
  return sendWhatsAppMessage({ to, message, sessionName }, options);
}

/** Connects the session (QR or saved credentials). Any sessionId reaches the one session. */
export async function startWhatsAppSession(
  sessionId: string,
): Promise<SessionStatus & { usedDefaultSession: boolean }> {
  const instance = await kabar();
  const session = await instance.sessions.get();
  const current = instance.sessions.status();
  // Connecting again while connected would drop a working socket for nothing.
  const status = current.state === "connected" ? current : await instance.sessions.connect();
  return { ...status, usedDefaultSession: session !== null && session.sessionId !== sessionId };
}

/** Restores the session from its saved credentials; with one session, that is all sessions. */
export async function initializeAllSessions(): Promise<SessionStatus> {
  return (await kabar()).sessions.status();
}

/**
 * sessionIds of the sessions that are connected right now (zero or one). Synchronous, from
 * memory, as the seed calls it (`if (isSessionConnected(id))`): before anything started the
 * session (initializeAllSessions, a send, configureWhatsApp), nothing is connected.
 */
export function getActiveSessionIds(): string[] {
  const status = ready?.sessions.status();
  return status?.state === "connected" && status.session ? [status.session.sessionId] : [];
}

export function isSessionConnected(sessionId: string): boolean {
  return getActiveSessionIds().includes(sessionId);
}

/** The status of the one session; a name that does not match falls back to it and says so. */
export async function getSessionStatus(
  sessionName: string,
): Promise<SessionStatus & { usedDefaultSession: boolean }> {
  const status = (await kabar()).sessions.status();
  const session = status.session;
  const matches = session !== null && (session.name === sessionName || session.sessionId === sessionName);
  return { ...status, usedDefaultSession: session !== null && !matches };
}

/** The sessions marked active in the database (the one session, once created). */
export async function getActiveWhatsAppSessions(): Promise<SessionRecord[]> {
  return (await (await kabar()).sessions.list()).filter((session) => session.isActive);
}

export async function getDefaultWhatsAppSession(): Promise<SessionRecord | null> {
  return (await kabar()).sessions.get();
}
