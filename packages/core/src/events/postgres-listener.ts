/**
 * One dedicated PostgreSQL connection that LISTENs on the cluster's channels (a pooled connection
 * cannot: LISTEN belongs to one session). It reconnects by itself after a drop (pg_terminate_backend,
 * a PostgreSQL restart), with a backoff up to MAX_RETRY_MS, and tells its owner each time it is
 * listening again, so the owner can catch up on what was sent while nobody listened.
 */
import pg from "pg";
import type { Logger } from "pino";

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;

export interface PostgresListenerOptions {
  url: string;
  /** `kabar-<CLUSTER_NODE_ID>-listen`, so a test or an operator can find (and cut) this connection. */
  applicationName: string;
  channels: readonly string[];
  logger: Logger;
  onNotification(channel: string, payload: string): void;
  /** After every (re)connection, once LISTEN is in place: `isReconnect` is false the first time only. */
  onListening(isReconnect: boolean): Promise<void> | void;
}

export interface PostgresListener {
  /** Resolves once the first connection listens; rejects if it cannot connect. */
  start(): Promise<void>;
  /** Resolves once the connection listens again (at once when it does now). For tests and close. */
  listening(): Promise<void>;
  close(): Promise<void>;
}

export function createPostgresListener(options: PostgresListenerOptions): PostgresListener {
  let client: pg.Client | null = null;
  let isClosed = false;
  let hasListened = false;
  /** Listening, and the owner has caught up after the last (re)connection. */
  let isReady = false;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: NodeJS.Timeout | null = null;
  let waiters: (() => void)[] = [];

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: options.url,
      application_name: options.applicationName,
      keepAlive: true,
    });
    let isDropped = false;
    const dropped = (error?: Error) => {
      if (isDropped) return;
      isDropped = true;
      isReady = false;
      if (client === next) client = null;
      next.removeAllListeners("notification");
      next.end().catch(() => undefined);
      if (isClosed) return;
      options.logger.warn({ error: error?.message }, "cluster listener connection lost; reconnecting");
      scheduleReconnect();
    };
    next.on("error", dropped);
    next.on("end", () => dropped());
    next.on("notification", (message) => options.onNotification(message.channel, message.payload ?? ""));
    try {
      await next.connect();
      for (const channel of options.channels) await next.query(`LISTEN ${channel}`);
    } catch (error) {
      isDropped = true;
      await next.end().catch(() => undefined);
      throw error;
    }
    if (isClosed) {
      await next.end();
      return;
    }
    client = next;
    const isReconnect = hasListened;
    hasListened = true;
    retryMs = FIRST_RETRY_MS;
    await options.onListening(isReconnect);
    if (client !== next) return;
    isReady = true;
    for (const wake of waiters.splice(0)) wake();
  }

  function scheduleReconnect(): void {
    if (retryTimer !== null || isClosed) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().catch((error: unknown) => {
        options.logger.warn({ error: String(error) }, "cluster listener could not reconnect; retrying");
        client = null;
        scheduleReconnect();
      });
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  return {
    start: connect,
    listening() {
      if (isReady || isClosed) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      isClosed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      for (const wake of waiters.splice(0)) wake();
      waiters = [];
      const current = client;
      client = null;
      isReady = false;
      await current?.end().catch(() => undefined);
    },
  };
}
