/**
 * This node's role. On SQLite there is one node and it always owns the session. On PostgreSQL the lease
 * (session-lease.ts) decides: the owner runs the socket, the outbox worker, the broadcasts' feeder and
 * schedule and the alert timers; a follower serves the API, accepts sends (rows in the shared outbox),
 * mirrors the owner's status and forwards socket commands to the owner (command-channel.ts).
 *
 * Role changes run one after another, each logged. Fencing closes the socket first, then stops the rest.
 */
import os from "node:os";
import type { Logger } from "pino";
import type { ClusterInfo, SessionStatus } from "../contract.js";
import { type CommandChannel, openCommandChannel, type SessionCommand } from "./command-channel.js";
import { createSessionLease, DEFAULT_LEASE_MS, type SessionLease } from "./session-lease.js";

/** What the owner runs and a fenced node stops (createKabar supplies them). */
export interface OwnerDuties {
  /** Takes the session: status writes, restore from credentials. */
  own(): Promise<void>;
  /** Closes the socket at once (no logout, credentials untouched). */
  fenceSocket(): Promise<void>;
  /** Worker, broadcasts' feeder and schedule, alert timers. */
  startWork(): Promise<void>;
  stopWork(): Promise<void>;
  /** Runs a socket command here (the owner), for another node. */
  run(command: SessionCommand, input: unknown): Promise<SessionStatus>;
}

export interface ClusterNode {
  info(): ClusterInfo;
  isOwner(): boolean;
  /** The fencing token while this node owns the session, for writes only the owner may make (credentials). */
  fence(): { nodeId: string; token: number } | null;
  /** Runs a socket command on the owner: here when this node owns the session, else forwarded. */
  command(command: SessionCommand, input: unknown): Promise<SessionStatus>;
  /** Clean shutdown: the owner closes its socket first, then releases the lease for another node. */
  close(): Promise<void>;
}

/**
 * A node's name when none is given: `<hostname>:<port>`, or `<hostname>:pid<pid>` without a port or with
 * port 0 (any free port), so two nodes on one host never share one — a name is who holds the session's
 * lease. Cut to the characters and length a node id allows (host names can be long or odd).
 */
export function defaultNodeId(port?: number): string {
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9._-]/g, "-")
      .slice(0, 52) || "node";
  return `${host}:${port === undefined || port === 0 ? `pid${process.pid}` : port}`;
}

export function singleNode(nodeId: string, duties: Pick<OwnerDuties, "run">): ClusterNode {
  const since = new Date();
  return {
    info: () => ({
      mode: "single",
      nodeId,
      isOwner: true,
      ownerNodeId: nodeId,
      ownerSince: since,
      leaseExpiresAt: null,
    }),
    isOwner: () => true,
    fence: () => null,
    command: (command, input) => duties.run(command, input),
    close: async () => undefined,
  };
}

export interface ClusterNodeOptions {
  databaseUrl: string;
  nodeId: string;
  leaseMs?: number;
  logger: Logger;
  duties: OwnerDuties;
  /** Keeps the owner's worker looking at the queue (rows a follower inserted) until NOTIFY wakes it. */
  wakeWorker(): void;
}

export async function startClusterNode(options: ClusterNodeOptions): Promise<ClusterNode> {
  const { nodeId, logger, duties } = options;
  const { default: pg } = await import("pg");
  let owner = false;
  let ownerToken: number | null = null;
  let transitions: Promise<void> = Promise.resolve();
  let poll: NodeJS.Timeout | null = null;
  const log = logger.child({ nodeId });

  function transition(what: string, step: () => Promise<void>): Promise<void> {
    transitions = transitions
      .then(step)
      .catch((error: unknown) => log.error({ err: error }, `${what} failed`));
    return transitions;
  }

  async function becomeOwner(token: number): Promise<void> {
    if (!lease.isHeld() || lease.token() !== token) return;
    owner = true;
    ownerToken = token;
    log.info({ token }, "role: owner of the WhatsApp session");
    await duties.own();
    await duties.startWork();
    // NOTIFY kabar_outbox wakes the worker when another node queues a row; a notification lost while the
    // listening connection was down is caught by this look once a second (one short query while idle).
    poll = setInterval(() => options.wakeWorker(), 1_000);
    poll.unref();
  }

  async function becomeFollower(why: string): Promise<void> {
    if (!owner) return;
    owner = false;
    ownerToken = null;
    if (poll) clearInterval(poll);
    poll = null;
    // the socket first: another node may open one once the lease has expired
    await duties.fenceSocket();
    await duties.stopWork();
    log.info({ why }, "role: follower (fenced)");
  }

  const lease: SessionLease = createSessionLease({
    databaseUrl: options.databaseUrl,
    nodeId,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    logger: log,
    pg,
    onAcquired: (token) => void transition("becoming the owner", () => becomeOwner(token)),
    onLost: (why) => {
      // at once, not behind a role change still running: the socket now, then the rest in order
      ownerToken = null;
      void duties
        .fenceSocket()
        .catch((error: unknown) => log.error({ err: error }, "fencing the socket failed"));
      void transition("fencing", () => becomeFollower(why));
    },
  });
  const channel: CommandChannel = await openCommandChannel({
    databaseUrl: options.databaseUrl,
    nodeId,
    logger: log,
    pg,
    isOwner: () => owner,
    run: (command, input) => duties.run(command, input),
  });
  log.info("role: follower until this node holds the lease");
  // A node that takes the lease at once (the first node, a restart after a clean stop) is the owner, its
  // work started, when start-up returns: like a single node, it is ready when it says it runs.
  await lease.start();
  await transitions;

  return {
    info() {
      const seen = lease.current();
      const live = seen !== null && seen.expiresAt.getTime() > Date.now() - 1_000;
      return {
        mode: "cluster",
        nodeId,
        isOwner: owner,
        ownerNodeId: live ? seen.holder : null,
        ownerSince: live ? seen.acquiredAt : null,
        leaseExpiresAt: live ? seen.expiresAt : null,
      };
    },
    isOwner: () => owner,
    fence: () => (owner && ownerToken !== null ? { nodeId, token: ownerToken } : null),
    command: (command, input) => (owner ? duties.run(command, input) : channel.request(command, input)),
    async close() {
      await transition("stopping", () => becomeFollower("the server stopped"));
      await lease.release();
      await channel.close();
    },
  };
}
