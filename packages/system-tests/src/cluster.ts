/**
 * Several Kabar nodes against one PostgreSQL and one simulator (issue 16): each node is the real API
 * server (`src/main.ts`, as `pnpm start` runs it, under tsx) in its own process with its own temp folder
 * (shared nothing but the database), DATABASE_URL=postgresql://…, CLUSTER_NODE_ID, a free port. The
 * harness kills, stops, restarts nodes and cuts their database connections, sends over REST, and
 * counts what the contacts received per accepted send (tally.ts).
 */
import { createKabarClient, type KabarClient } from "@kabar/client";
import { createDatabase, type PrismaClient } from "@kabar/db";
import { type PostgresServer, startPostgres } from "@kabar/db/testing";
import {
  type ConflictReport,
  type StartSimulatorOptions,
  startSimulator,
  type WhatsAppSimulator,
} from "@kabar/whatsapp-simulator";
import { type BuiltServer, startBuiltServer } from "./built-server.js";
import { type ApiAnswer, callApi } from "./rest-client.js";
import { type AcceptedMessage, receivedByNumber, type Tally, tally } from "./tally.js";

export interface ClusterNode {
  id: string;
  url: string;
  server: BuiltServer;
}

export interface ClusterOptions {
  /** CLUSTER_LEASE_MS for every node (default: the product's 10 s). */
  leaseMs?: number;
  simulator?: StartSimulatorOptions;
  /** More variables for every node. */
  env?: Record<string, string>;
}

/** Who /health says owns the session, as one node sees it. */
export interface OwnerView {
  mode: "single" | "cluster";
  nodeId: string;
  isOwner: boolean;
  ownerNodeId: string | null;
  ownerSince: string | null;
}

export interface Cluster {
  postgres: PostgresServer;
  databaseUrl: string;
  simulator: WhatsAppSimulator;
  /** A Prisma client of the test's own on the shared database (application_name "kabar-test"). */
  db: PrismaClient;
  nodes: Map<string, ClusterNode>;
  node(id: string): ClusterNode;
  /** Starts (or starts again after a kill/stop) the node with this CLUSTER_NODE_ID. */
  start(id: string): Promise<ClusterNode>;
  /** kill -9: no clean-up of any kind, as a crashed machine. */
  kill(id: string): Promise<void>;
  /** SIGTERM: the clean stop a deploy does. */
  stop(id: string): Promise<void>;
  restart(id: string): Promise<ClusterNode>;
  /** pg_terminate_backend on every connection of the node (application_name kabar-<id>…); the process lives. */
  cutDatabase(id: string): Promise<number>;
  /** An admin API token, valid on every node (tokens live in the shared database). */
  token(): Promise<string>;
  client(id: string): Promise<KabarClient>;
  send(id: string, body: { to: string; message: string; idempotencyKey?: string }): Promise<ApiAnswer>;
  owner(id: string): Promise<OwnerView>;
  /** Polls the node's /health (a condition, not a sleep) until `matches`; rejects after `timeoutMs`. */
  waitForOwner(id: string, matches: (view: OwnerView) => boolean, timeoutMs?: number): Promise<OwnerView>;
  /** Per accepted message (the REST 202 ids), the copies its contact received: by id and by content. */
  tally(acceptedIds: readonly string[]): Promise<Tally>;
  conflicts(): ConflictReport;
  close(): Promise<void>;
}

const POLL_MS = 100;

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const postgres = await startPostgres();
  const databaseUrl = await postgres.createDatabase();
  const simulator = await startSimulator({ port: 0, ...options.simulator });
  const db = createDatabase(databaseUrl, { applicationName: "kabar-test", maxConnections: 2 });
  const nodes = new Map<string, ClusterNode>();
  let adminToken: string | null = null;

  const node = (id: string): ClusterNode => {
    const found = nodes.get(id);
    if (!found) throw new Error(`no node "${id}" is running`);
    return found;
  };
  const live = () => [...nodes.values()];

  const cluster: Cluster = {
    postgres,
    databaseUrl,
    simulator,
    db,
    nodes,
    node,
    async start(id) {
      if (nodes.has(id)) throw new Error(`node "${id}" is already running`);
      const server = await startBuiltServer(
        simulator,
        {
          DATABASE_URL: databaseUrl,
          CLUSTER_NODE_ID: id,
          ...(options.leaseMs === undefined ? {} : { CLUSTER_LEASE_MS: String(options.leaseMs) }),
          ...options.env,
        },
        "tsx",
      );
      const started = { id, url: server.url, server };
      nodes.set(id, started);
      return started;
    },
    async kill(id) {
      const { server } = node(id);
      nodes.delete(id);
      const exited = new Promise((resolve) => server.child.once("exit", resolve));
      server.child.kill("SIGKILL");
      await exited;
      await server.stop();
    },
    async stop(id) {
      const { server } = node(id);
      nodes.delete(id);
      await server.stop();
    },
    async restart(id) {
      await cluster.stop(id);
      return cluster.start(id);
    },
    cutDatabase: (id) => postgres.terminateBackends(`kabar-${id}`),
    async token() {
      if (adminToken) return adminToken;
      const [first] = live();
      if (!first) throw new Error("start a node before asking for a token");
      adminToken = await first.server.adminToken();
      return adminToken;
    },
    async client(id) {
      return createKabarClient({ url: node(id).url, token: await cluster.token() });
    },
    async send(id, body) {
      return callApi(node(id).url, "POST", "/api/messages", { token: await cluster.token(), body });
    },
    async owner(id) {
      const answer = await callApi(node(id).url, "GET", "/health");
      const view = (answer.body as { cluster?: OwnerView } | null)?.cluster;
      if (!view) throw new Error(`node "${id}" /health has no cluster field: ${answer.text}`);
      return view;
    },
    async waitForOwner(id, matches, timeoutMs = 30_000) {
      const giveUpAt = Date.now() + timeoutMs;
      let last: OwnerView | string = "no answer yet";
      while (Date.now() < giveUpAt) {
        try {
          const view = await cluster.owner(id);
          if (matches(view)) return view;
          last = view;
        } catch (error) {
          last = String(error);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      throw new Error(
        `node "${id}": ownership not as awaited within ${timeoutMs} ms; last ${JSON.stringify(last)}`,
      );
    },
    async tally(acceptedIds) {
      const rows = await db.outboxMessage.findMany({
        where: { id: { in: [...acceptedIds] } },
        select: { id: true, waMessageId: true, to: true, text: true },
      });
      if (rows.length !== acceptedIds.length) {
        const stored = new Set(rows.map((row) => row.id));
        const missing = acceptedIds.filter((id) => !stored.has(id));
        throw new Error(
          `${missing.length} accepted messages are not in the outbox: ${missing.slice(0, 5).join(", ")}`,
        );
      }
      const accepted: AcceptedMessage[] = rows.map(({ waMessageId, to, text }) => ({
        waMessageId,
        to,
        text,
      }));
      return tally(accepted, receivedByNumber(simulator));
    },
    conflicts: () => simulator.conflicts(),
    async close() {
      for (const running of live()) await cluster.stop(running.id).catch(() => undefined);
      await db.$disconnect().catch(() => undefined);
      await simulator.close();
      await postgres.stop();
    },
  };
  return cluster;
}
