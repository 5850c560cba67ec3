/**
 * The composition root of core: database, WhatsApp port, the one session, the outbox. The API
 * server and the seed's library functions both start here; tests pass a fake port or a
 * simulator URL and nothing else changes.
 */
import path from "node:path";
import {
  createDatabase,
  dataDirectory,
  type FenceSource,
  isPostgresUrl,
  migrateDatabase,
} from "@kabar/db";
import { pino } from "pino";
import type { Kabar, KabarOptions, SessionState } from "./contract.js";
import { healthReport } from "./health-report.js";
import { createEventBus } from "./events/create-event-bus.js";
import { type ClusterNode, defaultNodeId } from "./cluster/cluster-node.js";
import { routedSessions, startNodeRoles, startSingleNode } from "./cluster/cluster-roles.js";
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
import { mediaStoreFor } from "./outbox/media-blob-store.js";
import { type Clock, systemClock } from "./outbox/outbox-context.js";
import type { ReconnectOptions } from "./session/reconnect-backoff.js";
import { systemTimers, type Timers } from "./session/timers.js";
import {
  createWaWebVersionResolver,
  parseWaWebVersionOption,
  waWebVersionUrl,
} from "./session/wa-web-version.js";
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
  /**
   * PostgreSQL: the session lease's fence every credential write carries (this node's id and token; null
   * while it does not hold the lease). Absent: credential writes are not fenced (one node, no lease).
   */
  credentialFence?: FenceSource;
}

export async function createKabar(options: CreateKabarOptions): Promise<Kabar> {
  const logger = options.logger ?? pino({ name: "kabar" });
  if (options.installProcessGuards) installProcessGuards(logger);
  // Validated before anything starts: a bad WA_WEB_VERSION is a startup error that names it.
  const versionOverride = parseWaWebVersionOption(options.waWebVersion);
  // Migrating on every start is what lets a fresh clone run with no manual database step.
  await migrateDatabase(options.databaseUrl);
  // A host that already has a client passes it: two libsql clients in one process can block
  // each other on SQLite's write lock. Only a client made here is closed here.
  const ownsDatabase = options.db === undefined;
  // PostgreSQL: several nodes, one owner of the session by lease (cluster/); SQLite: one node, the lock file.
  const clustered = isPostgresUrl(options.databaseUrl);
  const nodeId = options.clusterNodeId ?? defaultNodeId();
  const db = options.db ?? createDatabase(options.databaseUrl, { applicationName: `kabar-${nodeId}` });
  // Events and cache invalidation: in memory on SQLite, LISTEN/NOTIFY across nodes on PostgreSQL.
  const bus = await createEventBus({ databaseUrl: options.databaseUrl, db, nodeId, logger });
  const { events, changes } = bus;
  let node: ClusterNode | null = null;
  // On PostgreSQL the credentials live in the database, so any node can take the session over.
  const credentials = clustered
    ? {
        kind: "database" as const,
        db,
        // the lease's token while this node owns the session: a node that lost it cannot write
        fence: options.credentialFence ?? (() => node?.fence() ?? null),
      }
    : { kind: "folder" as const };
  const settings = await createSettingsStore(db, options.settings, changes);
  const port =
    options.port ??
    createWaMultiSessionPort({
      sessionsDir: options.sessionsDir,
      credentials,
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
    credentials,
    events,
    logger,
    defaultCountry: () => settings.current().defaultCountry,
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(versions ? { versions } : {}),
    ...(clustered ? { cluster: true } : {}),
  });
  const optOuts = createOptOutList(db, settings, changes);
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
    ...(bus.announceOutboxQueued ? { announceQueued: bus.announceOutboxQueued } : {}),
    mediaStore: mediaStoreFor(db, options.mediaDir ?? path.join(dataDirectory(options.databaseUrl), "media")),
  });

  // a message queued on another node wakes this one's worker
  const offOutboxQueued = bus.onOutboxQueued(() => outbox.worker.wake());

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
    changes,
    ...(options.csvLimits ? { limits: options.csvLimits } : {}),
  });

  const alerts = createAlertMonitor({ events, settings, clock: options.clock ?? systemClock });
  // alert timers run on the owner only: a follower's mirrored status must not send a second e-mail
  const offAlertStatus = sessions.onStatus((status) => {
    if (node?.isOwner() ?? !clustered) alerts.observe(status);
  });
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

  const parts = {
    sessions,
    worker: outbox.worker,
    broadcasts,
    alerts,
    announceChangedSince: (since: Date) => outbox.announceChangedSince(since),
  };
  if (!clustered) node = startSingleNode(nodeId, parts);

  async function shutdown(): Promise<void> {
    // several nodes: the socket closes first, then the lease is released for another node at once
    await node?.close();
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
    offOutboxQueued();
    // after everything that publishes: their last events still reach the table
    await bus.close();
    if (ownsDatabase) await db.$disconnect();
  }

  try {
    if (clustered) {
      node = await startNodeRoles(
        {
          databaseUrl: options.databaseUrl,
          nodeId,
          logger,
          ...(options.clusterLeaseMs ? { leaseMs: options.clusterLeaseMs } : {}),
        },
        parts,
      );
    } else {
      // The session lock comes first: a second process must refuse before it touches the outbox.
      await sessions.start();
      await outbox.worker.start();
    }
    // Not awaited: a large media folder must not delay start, and a failure only leaves files behind.
    outbox
      .pruneMedia()
      .then((removed) => {
        if (removed > 0) logger.info({ removed }, "deleted media files no message names");
      })
      .catch((error: unknown) => logger.warn({ err: error }, "could not prune the media folder"));
    if (!clustered) await broadcasts.startService();
  } catch (error) {
    await shutdown().catch((closeError: unknown) =>
      logger.error({ err: closeError }, "cleanup after a failed start"),
    );
    throw error;
  }

  let isClosed = false;
  const running = node;
  if (running === null) throw new Error("this node has no role after start");
  return {
    broadcasts,
    sessions: routedSessions(sessions, running),
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
    health: () => healthReport({ db, status: () => sessions.status(), depth: () => outbox.depth() }),
    cluster: () => running.info(),
    changes,
    stats: () => ({
      reconnects,
      sendLatencyMs: outbox.worker.latencySamples(),
      sendLatency: outbox.worker.latencyHistogram(),
      lastDisconnectReason: sessions.status().lastDisconnectReason,
      lastDisconnectCode: sessions.status().lastDisconnectCode,
    }),
    async close() {
      if (isClosed) return;
      isClosed = true;
      await shutdown();
    },
  };
}
