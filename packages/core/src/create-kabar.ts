/**
 * The composition root of core: database, WhatsApp port, the one session, the outbox. The API
 * server and the seed's library functions both start here; tests pass a fake port or a
 * simulator URL and nothing else changes.
 */
import { hostname } from "node:os";
import path from "node:path";
import { createDatabase, dataDirectory, migrateDatabase } from "@kabar/db";
import { pino } from "pino";
import type { Kabar, KabarOptions, SessionState } from "./contract.js";
import { InvalidInputError } from "./errors.js";
import { InMemoryEventBus } from "./events/event-bus.js";
import { createAlertMonitor } from "./alerts/alert-monitor.js";
import { createAutoReplies } from "./autoreply/auto-replies.js";
import { createDashboard } from "./dashboard/dashboard-stats.js";
import { createBroadcasts } from "./broadcasts/create-broadcasts.js";
import type { CsvLimits } from "./broadcasts/csv-reader.js";
import { createInboundRepository } from "./inbox/inbound-repository.js";
import { createInboxRepository } from "./inbox/inbox-repository.js";
import { createInboxService } from "./inbox/inbox-service.js";
import { createInboundResponder } from "./inbox/respond-to-inbound.js";
import { createOptOutList } from "./optout/opt-out-list.js";
import { listInbound } from "./inbox/list-inbound.js";
import { recordInbound } from "./inbox/record-inbound.js";
import { createOutbox } from "./outbox/create-outbox.js";
import { createMediaStore } from "./outbox/media-store.js";
import { type Clock, systemClock } from "./outbox/outbox-context.js";
import type { ReconnectOptions } from "./session/reconnect-backoff.js";
import { systemTimers, type Timers } from "./session/timers.js";
import { createWaWebVersionResolver, parseWaWebVersion, waWebVersionUrl } from "./session/wa-web-version.js";
import { createSessionManager } from "./session/session-manager.js";
import { createSettingsStore } from "./settings/settings-service.js";
import { createWaMultiSessionPort } from "./whatsapp/adapters/wa-multi-session/index.js";
import { installProcessGuards } from "./whatsapp/adapters/wa-multi-session/process-guards.js";
import type { WhatsAppPort } from "./whatsapp/port.js";

export interface CreateKabarOptions extends KabarOptions {
  /** Another WhatsAppPort instead of the wa-multi-session adapter (unit tests use the fake). */
  port?: WhatsAppPort;
  /** How long the account-level 463 pause (several recipients held at once) lasts; default 15 min. */
  restrictedCooldownMs?: number;
  reconnect?: ReconnectOptions;
  clock?: Clock;
  /** A WhatsApp key-store transaction still running after this long is abandoned; default 30 s. */
  keyTransactionDeadlineMs?: number;
  /** At most one auto-reply per contact per keyword within this time; default one hour. */
  autoReplyWindowMs?: number;
  /** The inbox's clock (read marks, the auto-reply window); tests move it instead of waiting an hour. */
  inboxClock?: Clock;
  /**
   * Install the process-wide guards the WhatsApp library needs (console filter for libsignal's
   * secrets, unhandledRejection filter for Baileys' abandoned queries; see process-guards.ts).
   * Off by default: a library must not change its host process unless asked.
   */
  installProcessGuards?: boolean;
  /** The session supervisor's reconnect timers; tests pass a fake clock. */
  timers?: Timers;
  /** The broadcasts' schedule timer; tests pass a fake to fire "2 minutes later" at once. */
  scheduleTimers?: Timers;
  /** The broadcasts' clock (schedules, ETA, times); default `clock`. Tests move it. */
  broadcastClock?: Clock;
  /** Size limits of an uploaded participant list (default 20 MB, 64 KiB per line). */
  csvLimits?: CsvLimits;
  /** Options of the wa-multi-session adapter that tests tune (ignored when `port` is given). */
  keepAliveIntervalMs?: number;
  /** The first transient failure's backoff (doubling after); default 30 s. Tests shorten it. */
  retryBaseDelayMs?: number;
}

export async function createKabar(options: CreateKabarOptions): Promise<Kabar> {
  const logger = options.logger ?? pino({ name: "kabar" });
  const startedAt = new Date();
  const nodeId = options.clusterNodeId ?? hostname();
  if (options.installProcessGuards) installProcessGuards(logger);
  // Validated before anything starts: a bad WA_WEB_VERSION is a startup error that names it.
  const versionOverride = parseVersionOption(options.waWebVersion);
  // Migrating on every start is what lets a fresh clone run with no manual database step.
  await migrateDatabase(options.databaseUrl);
  // A host that already has a client passes it: two libsql clients in one process can block
  // each other on SQLite's write lock. Only a client made here is closed here.
  const ownsDatabase = options.db === undefined;
  const db = options.db ?? createDatabase(options.databaseUrl);
  const events = new InMemoryEventBus();
  const settings = await createSettingsStore(db, options.settings);
  const port =
    options.port ??
    createWaMultiSessionPort({
      sessionsDir: options.sessionsDir,
      logger,
      ...(options.whatsappWsUrl ? { wsUrl: options.whatsappWsUrl } : {}),
      media: {
        ...(options.whatsappMediaUrl ? { url: options.whatsappMediaUrl } : {}),
        ...(options.whatsappExtraCa ? { extraCaPath: options.whatsappExtraCa } : {}),
      },
      ...(options.keyTransactionDeadlineMs === undefined
        ? {}
        : { keyTransactionDeadlineMs: options.keyTransactionDeadlineMs }),
      ...(options.keepAliveIntervalMs ? { keepAliveIntervalMs: options.keepAliveIntervalMs } : {}),
    });
  const bundled = port.bundledWaWebVersion?.();
  const versions =
    bundled &&
    createWaWebVersionResolver({
      bundled,
      logger,
      url: waWebVersionUrl({ override: options.waWebVersionUrl, whatsappWsUrl: options.whatsappWsUrl }),
      ...(versionOverride ? { override: versionOverride } : {}),
    });
  const sessions = createSessionManager({
    db,
    port,
    sessionsDir: options.sessionsDir,
    events,
    logger,
    defaultCountry: () => settings.current().defaultCountry,
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(versions ? { versions } : {}),
  });
  const optOuts = createOptOutList(db, settings);
  const autoReplies = createAutoReplies(db, options.autoReplyWindowMs);
  const outbox = createOutbox({
    db,
    isOptedOut: (phone) => optOuts.isOptedOutDigits(phone),
    port,
    session: sessions,
    settings,
    events,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
    ...(options.restrictedCooldownMs === undefined
      ? {}
      : { restrictedCooldownMs: options.restrictedCooldownMs }),
    ...(options.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: options.retryBaseDelayMs }),
    mediaStore: createMediaStore(
      options.mediaDir ?? path.join(dataDirectory(options.databaseUrl), "media"),
    ),
  });

  const inboundRepository = createInboundRepository(db);
  // before the session starts: what WhatsApp flushes at login must find a listener
  const inboxClock = options.inboxClock ?? options.clock ?? systemClock;
  const respond = createInboundResponder({
    events,
    settings,
    optOuts,
    autoReplies,
    clock: inboxClock,
    logger,
    send: (input) => outbox.messages.send(input),
  });
  const inbound = recordInbound({ port, repository: inboundRepository, logger, afterStore: respond });
  const inbox = createInboxService({
    repository: createInboxRepository(db),
    optOuts,
    settings,
    clock: inboxClock,
    send: (input, sendOptions) => outbox.messages.send(input, sendOptions),
  });

  const broadcasts = createBroadcasts({
    db,
    events,
    logger,
    clock: options.broadcastClock ?? options.clock ?? systemClock,
    timers: options.scheduleTimers ?? systemTimers,
    settings: () => settings.current(),
    isOptedOut: (phone) => optOuts.isOptedOutDigits(phone),
    send: (input) => outbox.messages.send(input),
    requeueCancelled: (id) => outbox.requeueCancelled(id),
    cancelMessage: (id, why) => outbox.cancelForBroadcast(id, why),
    sentSince: (since) => outbox.sentSince(since),
    ...(options.csvLimits ? { limits: options.csvLimits } : {}),
  });

  const alerts = createAlertMonitor({ events, settings, clock: options.clock ?? systemClock });
  const offAlertStatus = sessions.onStatus((status) => alerts.observe(status));
  const offAlertMessages = events.on(({ event }) => {
    if (event.type === "message.status") alerts.observeMessage(event.message);
  });
  const offAlerts = () => {
    offAlertStatus();
    offAlertMessages();
  };

  const dashboard = createDashboard({
    db,
    clock: options.clock ?? systemClock,
    timeZone: () => settings.current().timeZone,
    async runningBroadcast() {
      const running = await broadcasts.running();
      if (running === null) return null;
      const { broadcast, total, counts, done } = running;
      // The card counts the rows that will be sent: rows refused by the check never count.
      return { id: broadcast.id, name: broadcast.name, total: total - counts.invalid, done };
    },
  });

  let reconnects = 0;
  let hasConnected = false;
  let previousState: SessionState | null = null;
  const offStatus = sessions.onStatus((status) => {
    if (status.state === "connected" && previousState !== "connected") {
      if (hasConnected) reconnects += 1;
      hasConnected = true;
    }
    previousState = status.state;
  });

  async function shutdown(): Promise<void> {
    offStatus();
    offAlerts();
    alerts.close();
    await broadcasts.close();
    await outbox.worker.close();
    await sessions.close();
    await port.close();
    // after the socket is gone: a message the library acked must still reach the database
    inbound.off();
    await inbound.settled();
    if (ownsDatabase) await db.$disconnect();
  }

  try {
    // The session lock comes first: a second process must refuse before it touches the outbox.
    await sessions.start();
    await outbox.worker.start();
    // Not awaited: a large media folder must not delay start, and a failure only leaves files behind.
    outbox
      .pruneMedia()
      .then((removed) => {
        if (removed > 0) logger.info({ removed }, "deleted media files no message names");
      })
      .catch((error: unknown) => logger.warn({ err: error }, "could not prune the media folder"));
    await broadcasts.startService();
  } catch (error) {
    await shutdown().catch((closeError: unknown) =>
      logger.error({ err: closeError }, "cleanup after a failed start"),
    );
    throw error;
  }

  let isClosed = false;
  return {
    broadcasts,
    sessions: {
      ...sessions,
      // Someone pressing "connect" is also saying "try again now": it ends a 463 pause. A reconnect
      // after a socket drop does not, or a flapping socket would undo the pause.
      connect(input) {
        outbox.worker.resume();
        return sessions.connect(input);
      },
      takeOver() {
        outbox.worker.resume();
        return sessions.takeOver();
      },
    },
    messages: { ...outbox.messages, inbound: (input) => listInbound(inboundRepository, input) },
    outbox: outbox.controls,
    onWhatsApp: outbox.onWhatsApp,
    settings,
    inbox,
    optOuts,
    autoReplies,
    alerts: { open: () => Object.values(alerts.open()), test: () => alerts.test() },
    dashboard,
    events,
    async health() {
      const database = await db
        .$queryRawUnsafe("SELECT 1")
        .then(() => true)
        .catch(() => false);
      const status = sessions.status();
      return {
        // "ok" means the service can accept messages; a disconnected session only delays them.
        ok: database,
        database,
        session: { state: status.state, reason: status.reason },
        outboxDepth: database ? await outbox.depth() : -1,
        credentialsWritable: status.storageProblem === null,
        storageProblem: status.storageProblem,
        waWebVersion: status.waWebVersion,
      };
    },
    stats: () => ({
      reconnects,
      sendLatencyMs: outbox.worker.latencySamples(),
      sendLatency: outbox.worker.latencyHistogram(),
      lastDisconnectReason: sessions.status().lastDisconnectReason,
      lastDisconnectCode: sessions.status().lastDisconnectCode,
    }),
    // Single mode (SQLite): this node is the only one. pg-node replaces this with the lease's view on
    // PostgreSQL; until that is merged a PostgreSQL node also reports "single".
    cluster: () => ({
      mode: "single",
      nodeId,
      isOwner: true,
      ownerNodeId: nodeId,
      ownerSince: startedAt,
      leaseExpiresAt: null,
    }),
    async close() {
      if (isClosed) return;
      isClosed = true;
      await shutdown();
    },
  };
}

function parseVersionOption(text: string | undefined) {
  if (text === undefined) return undefined;
  try {
    return parseWaWebVersion(text);
  } catch {
    throw new InvalidInputError(
      "WA_WEB_VERSION",
      `WA_WEB_VERSION "${text}" is not a WhatsApp Web version; expected three numbers like 2.3000.1030000000`,
    );
  }
}
