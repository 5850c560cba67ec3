/**
 * Core's policy for the one socket: what each port event means for the session state, and when to
 * reconnect. The adapter never reconnects on its own; every decision is made here.
 */
import type { Logger } from "pino";
import type { SessionStatus } from "../contract.js";
import type { SessionReasonCode } from "../schemas.js";
import type { DisconnectKind, WhatsAppPort, WhatsAppPortEvents } from "../whatsapp/port.js";
import { type ReconnectOptions, reconnectDelayMs } from "./reconnect-backoff.js";
import { systemTimers, type Timers } from "./timers.js";
import { formatWaWebVersion, type WaWebVersionResolver } from "./wa-web-version.js";
import type { CredentialStore } from "./credential-store.js";
import type { SessionStatusStore } from "./session-status-store.js";

/** The English beside each reason code (logs, scripts, REST); the panel translates the code instead. */
export const REASONS = {
  restoring: "Restoring the saved session",
  connecting: "Connecting",
  requesting_pairing_code: "Requesting a pairing code",
  new_qr_requested: "New QR code requested",
  restarting_after_link: "Linked; WhatsApp asks for a fresh connection (515), reconnecting",
  reconnect_scheduled: "Socket closed; reconnecting",
  reconnecting: "Reconnecting",
  scan_qr: "Scan the QR code with WhatsApp on the phone",
  enter_pairing_code: "Enter the pairing code in WhatsApp on the phone",
  connected: "Connected",
  qr_expired: "QR expired",
  pairing_code_expired: "Pairing code expired",
  closed_before_link: "Socket closed before the device was linked; ask for a new QR code",
  logged_out_on_phone:
    "Logged out on the phone (this device was removed from WhatsApp). Link it again: ask for a new QR code or pairing code.",
  logged_out_by_admin:
    "Logged out by the admin. Link the device again: ask for a new QR code or pairing code.",
  replaced:
    'Connection replaced: another WhatsApp Web client (or another server) logged in as this device. Kabar does not fight it: press "Use this server" to take the session back here.',
  taking_over: "Taking the session over on this server",
  banned:
    "WhatsApp refused this number (403: banned or locked). Kabar will not retry: check the number in the WhatsApp app on the phone (appeal if it was banned), then press Connect.",
  client_too_old_retrying:
    "WhatsApp refused this client version as too old (405). Set WA_WEB_VERSION to the current WhatsApp Web version (e.g. 2.3000.1030000000) and restart, or wait: Kabar looks the version up again and retries once right now",
  client_too_old_waiting:
    "WhatsApp refused this client version as too old (405). Set WA_WEB_VERSION to the current WhatsApp Web version (e.g. 2.3000.1030000000) and restart, or wait: Kabar looks the version up again and retries later",
  client_too_old_connect_again:
    "WhatsApp refused this client version as too old (405). Set WA_WEB_VERSION to the current WhatsApp Web version (e.g. 2.3000.1030000000) and restart, or look the version up again when you press Connect again",
  retrying_fresh_version: "Retrying with a freshly looked-up WhatsApp Web version after a 405",
  retrying_after_too_old: "Retrying after a 405 (client too old)",
  disconnected_by_admin: "Disconnected by the admin",
  server_stopped: "The server stopped",
} as const satisfies Record<SessionReasonCode, string>;

/** A reason for the status: the code the panel translates, the English beside it, and any detail. */
export function because(
  code: SessionReasonCode,
  detail?: string,
): { reasonCode: SessionReasonCode; reason: string } {
  return { reasonCode: code, reason: detail ? `${REASONS[code]} (${detail})` : REASONS[code] };
}

/** Kinds after which the same credentials are worth another try. */
const TRANSIENT: ReadonlySet<DisconnectKind> = new Set([
  "connection_closed",
  "connection_lost",
  "service_unavailable",
  "other",
]);

/** After a 405 and one immediate retry with a freshly looked-up version: 10 min, doubling to 1 h. */
export const CLIENT_TOO_OLD_FIRST_WAIT_MS = 10 * 60 * 1000;
export const CLIENT_TOO_OLD_MAX_WAIT_MS = 60 * 60 * 1000;

export interface ConnectionSupervisorDeps {
  port: WhatsAppPort;
  store: SessionStatusStore;
  /** The saved credentials: the folder, or the database on PostgreSQL. */
  credentials: CredentialStore;
  logger: Logger;
  reconnect?: ReconnectOptions;
  random?: () => number;
  /** The reconnect timers; tests pass a fake to assert "no attempt in 10 minutes" without waiting. */
  timers?: Timers;
  /** Resolves the WhatsApp Web version before every socket; without it the adapter's default is used. */
  versions?: WaWebVersionResolver;
}

export function createConnectionSupervisor(deps: ConnectionSupervisorDeps) {
  const { port, store, credentials, logger } = deps;
  const timers = deps.timers ?? systemTimers;
  let pairingPhoneNumber: string | null = null;
  /** True while the saved credentials are believed valid: drops then reconnect with backoff. */
  let isLinked = false;
  let reconnectTimer: unknown = null;
  let isClosed = false;
  /** Several nodes: this node lost the lease; no socket may open until it owns the session again. */
  let isFenced = false;
  /** 405s in a row since the last open: the first gets one immediate retry with a fresh lookup. */
  let tooOldRefusals = 0;
  /** The next start must look the version up again, bypassing the cache (it was just refused). */
  let needsFreshVersion = false;

  const sessionId = (): string | null => store.current().session?.sessionId ?? null;
  const isOurs = (event: { sessionId: string }) => !isClosed && !isFenced && event.sessionId === sessionId();

  function cancelReconnect(): void {
    if (reconnectTimer !== null) timers.clearTimeout(reconnectTimer);
    reconnectTimer = null;
  }

  async function resolveVersion(): Promise<[number, number, number] | undefined> {
    if (!deps.versions) return undefined;
    const fresh = needsFreshVersion;
    needsFreshVersion = false;
    const resolved = await deps.versions.resolve({ fresh });
    store.set({ waWebVersion: { version: formatWaWebVersion(resolved.version), source: resolved.source } });
    return resolved.version;
  }

  async function openSocket(code: SessionReasonCode, detail?: string): Promise<SessionStatus> {
    const id = sessionId();
    if (!id || isClosed || isFenced) return store.current();
    cancelReconnect();
    store.set({ state: "connecting", ...because(code, detail), qr: null, pairingCode: null });
    try {
      // Without a resolver the start stays synchronous with the event that asked for it.
      const waWebVersion = deps.versions ? await resolveVersion() : undefined;
      // resolving may take seconds (a 5 s timeout): the admin may have acted meanwhile
      if (isClosed || isFenced || sessionId() !== id || store.current().state !== "connecting")
        return store.current();
      await port.start(id, {
        ...(pairingPhoneNumber ? { pairingPhoneNumber } : {}),
        ...(waWebVersion ? { waWebVersion } : {}),
      });
    } catch (error) {
      logger.warn({ err: error, sessionId: id }, "starting the WhatsApp socket failed");
      onClose({ sessionId: id, kind: "other", statusCode: null, detail: String(error) });
    }
    return store.current();
  }

  function scheduleReconnect(detail: string): void {
    const attempt = store.current().reconnectAttempts;
    const delay = reconnectDelayMs(attempt, deps.reconnect, deps.random);
    store.set({
      state: "connecting",
      ...because(
        "reconnect_scheduled",
        `${detail}; in ${(delay / 1000).toFixed(1)} s, attempt ${attempt + 1}`,
      ),
      reconnectAttempts: attempt + 1,
      qr: null,
      pairingCode: null,
    });
    reconnectTimer = timers.setTimeout(() => {
      reconnectTimer = null;
      void openSocket("reconnecting", `attempt ${attempt + 1}`);
    }, delay);
  }

  /**
   * 405: the version just announced is refused. Look it up again (bypassing the cache) and retry once
   * at once; after that only every 10 minutes or more, never a loop. WA_WEB_VERSION is the real cure.
   */
  function onClientTooOld(
    detail: string,
    disconnected: {
      lastDisconnectAt: string;
      lastDisconnectReason: string;
      lastDisconnectCode: DisconnectKind;
    },
  ): void {
    tooOldRefusals += 1;
    needsFreshVersion = true;
    const announced = store.current().waWebVersion?.version ?? "the bundled version";
    if (tooOldRefusals === 1) {
      store.set({
        ...disconnected,
        state: "client_too_old",
        ...because("client_too_old_retrying", `announced ${announced}`),
        qr: null,
        pairingCode: null,
      });
      void openSocket("retrying_fresh_version");
      return;
    }
    const wait = Math.min(
      CLIENT_TOO_OLD_MAX_WAIT_MS,
      CLIENT_TOO_OLD_FIRST_WAIT_MS * 2 ** Math.min(tooOldRefusals - 2, 10),
    );
    // Not linked yet: a slow retry would show a QR nobody asked for; the admin connects again.
    const nextTry = isLinked ? `in ${Math.round(wait / 60_000)} minutes` : "when you press Connect again";
    store.set({
      ...disconnected,
      state: "client_too_old",
      ...(isLinked
        ? because("client_too_old_waiting", `announced ${announced}; next try ${nextTry}`)
        : because("client_too_old_connect_again", `announced ${announced}`)),
      qr: null,
      pairingCode: null,
    });
    logger.warn({ detail, nextTry }, "WhatsApp refused the client version (405); not retrying at once");
    if (!isLinked) return;
    reconnectTimer = timers.setTimeout(() => {
      reconnectTimer = null;
      void openSocket("retrying_after_too_old");
    }, wait);
  }

  /** At once for the folder, a promise for the database; null when there was nothing (or it failed). */
  function moveCredentialsAside(id: string): string | null | Promise<string | null> {
    const failed = (error: unknown) => {
      logger.error({ err: error, sessionId: id }, `could not move the credentials to ${credentials.backupPlace}`);
      return null;
    };
    try {
      const backup = credentials.backUp(id);
      return backup instanceof Promise ? backup.catch(failed) : backup;
    } catch (error) {
      return failed(error);
    }
  }

  /**
   * Moved aside before the status says logged_out, so whoever reacts to it finds them gone: in the same
   * tick for the folder (as it always was), once the database has renamed the rows on PostgreSQL.
   */
  function onLoggedOutOnPhone(
    sessionId: string,
    disconnected: Pick<SessionStatus, "lastDisconnectAt" | "lastDisconnectReason" | "lastDisconnectCode">,
  ): void {
    const backup = moveCredentialsAside(sessionId);
    if (backup instanceof Promise) void backup.then((moved) => reportLoggedOut(sessionId, moved, disconnected));
    else reportLoggedOut(sessionId, backup, disconnected);
  }

  function reportLoggedOut(
    sessionId: string,
    backup: string | null,
    disconnected: Pick<SessionStatus, "lastDisconnectAt" | "lastDisconnectReason" | "lastDisconnectCode">,
  ): void {
    logger.warn({ sessionId, backup }, "logged out on the phone; credentials moved aside");
    store.set({
      ...disconnected,
      state: "logged_out",
      ...because("logged_out_on_phone"),
      linkedNumber: null,
      qr: null,
      pairingCode: null,
      reconnectAttempts: 0,
    });
  }

  function onClose(event: WhatsAppPortEvents["close"]): void {
    if (!isOurs(event)) return;
    cancelReconnect();
    const disconnected = {
      lastDisconnectAt: new Date().toISOString(),
      lastDisconnectReason: event.detail,
      lastDisconnectCode: event.kind,
    };
    logger.info(
      { sessionId: event.sessionId, kind: event.kind, detail: event.detail },
      "WhatsApp socket closed",
    );
    if (event.kind === "logged_out") {
      isLinked = false;
      onLoggedOutOnPhone(event.sessionId, disconnected);
      return;
    }
    if (event.kind === "restart_required") {
      // WhatsApp asks for a fresh socket right after linking: the new credentials are good. This is
      // the normal second step of every link, not a disconnect to show, so the last one stays.
      isLinked = true;
      void openSocket("restarting_after_link");
      return;
    }
    if (event.kind === "qr_expired") {
      const reason = because(pairingPhoneNumber ? "pairing_code_expired" : "qr_expired");
      store.set({ ...disconnected, state: "disconnected", ...reason, qr: null, pairingCode: null });
      return;
    }
    if (event.kind === "connection_replaced") {
      // No automatic fight: reconnecting would replace the other client, which would replace us back.
      store.set({
        ...disconnected,
        state: "replaced",
        ...because("replaced"),
        qr: null,
        pairingCode: null,
      });
      return;
    }
    if (event.kind === "banned") {
      store.set({ ...disconnected, state: "banned", ...because("banned"), qr: null, pairingCode: null });
      return;
    }
    if (event.kind === "client_too_old") {
      onClientTooOld(event.detail, disconnected);
      return;
    }
    if (TRANSIENT.has(event.kind) && isLinked) {
      store.set(disconnected);
      scheduleReconnect(event.detail);
      return;
    }
    // Not linked yet: a new socket would only show a new QR nobody asked for; the admin asks again.
    store.set({
      ...disconnected,
      state: "disconnected",
      ...because("closed_before_link", event.detail),
      qr: null,
      pairingCode: null,
    });
  }

  const unsubscribe = [
    port.on("connecting", (event) => {
      if (isOurs(event) && store.current().state !== "connecting") store.set({ state: "connecting" });
    }),
    port.on("qr", (event) => {
      if (!isOurs(event) || pairingPhoneNumber) return;
      store.set({
        state: "waiting_qr",
        ...because("scan_qr"),
        qr: { value: event.qr, expiresAt: event.expiresAt.toISOString() },
      });
    }),
    port.on("pairingCode", (event) => {
      if (!isOurs(event) || !pairingPhoneNumber) return;
      store.set({
        state: "waiting_pairing_code",
        ...because("enter_pairing_code"),
        pairingCode: { code: event.code, phoneNumber: pairingPhoneNumber },
      });
    }),
    port.on("open", (event) => {
      if (!isOurs(event)) return;
      isLinked = true;
      pairingPhoneNumber = null;
      tooOldRefusals = 0;
      store.set({
        state: "connected",
        ...because("connected"),
        linkedNumber: event.linkedNumber || null,
        lastConnectedAt: new Date().toISOString(),
        reconnectAttempts: 0,
        qr: null,
        pairingCode: null,
      });
    }),
    port.on("close", onClose),
    port.on("storage", (event) => {
      if (isOurs(event) && store.current().storageProblem !== event.problem) {
        store.set({ storageProblem: event.problem });
      }
    }),
  ];

  return {
    /** At start-up: log in again from saved credentials, if any. Never waits for the socket to open. */
    async restore(): Promise<SessionStatus> {
      const id = sessionId();
      if (!id || !(await credentials.hasSaved(id))) return store.current();
      isLinked = true;
      return openSocket("restoring");
    },
    async connect(options: { pairingPhoneNumber?: string | null } = {}): Promise<SessionStatus> {
      if (store.current().state === "connected") return store.current();
      const id = sessionId();
      isLinked = id !== null && (await credentials.hasSaved(id));
      pairingPhoneNumber = isLinked ? null : (options.pairingPhoneNumber ?? null);
      store.set({ reconnectAttempts: 0 });
      return openSocket(pairingPhoneNumber ? "requesting_pairing_code" : "connecting");
    },
    /** The admin's "use this server": a deliberate reconnect with the saved credentials. */
    async takeOver(): Promise<SessionStatus> {
      if (store.current().state === "connected") return store.current();
      const id = sessionId();
      isLinked = id !== null && (await credentials.hasSaved(id));
      pairingPhoneNumber = null;
      store.set({ reconnectAttempts: 0 });
      return openSocket("taking_over");
    },
    /** A fresh socket means fresh QR refs; allowed any time the session is not connected. */
    async refreshQr(): Promise<SessionStatus> {
      if (store.current().state === "connected") return store.current();
      pairingPhoneNumber = null;
      return openSocket("new_qr_requested");
    },
    async disconnect(): Promise<SessionStatus> {
      cancelReconnect();
      const id = sessionId();
      if (id) await port.stop(id);
      return store.set({
        state: "disconnected",
        ...because("disconnected_by_admin"),
        qr: null,
        pairingCode: null,
      });
    },
    async logout(): Promise<SessionStatus> {
      cancelReconnect();
      const id = sessionId();
      if (!id) return store.current();
      await port.logout(id);
      isLinked = false;
      await moveCredentialsAside(id);
      return store.set({
        state: "logged_out",
        ...because("logged_out_by_admin"),
        linkedNumber: null,
        qr: null,
        pairingCode: null,
        reconnectAttempts: 0,
      });
    },
    /**
     * Several nodes, the lease is lost: close the socket at once, without logging out and without
     * touching the credentials, and ignore whatever the dying socket still reports.
     */
    async fence(): Promise<void> {
      isFenced = true;
      cancelReconnect();
      const id = sessionId();
      if (id) await port.stop(id);
    },
    /** This node owns the session again: sockets may open. */
    unfence(): void {
      isFenced = false;
    },
    async close(): Promise<void> {
      cancelReconnect();
      isClosed = true;
      for (const off of unsubscribe) off();
      const id = sessionId();
      if (id) await port.stop(id);
    },
  };
}

export type ConnectionSupervisor = ReturnType<typeof createConnectionSupervisor>;
