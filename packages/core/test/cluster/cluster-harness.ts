/**
 * Cluster tests: one PostgreSQL database, one simulator, one shared wa_sessions/ folder (until the
 * credentials live in the database), and each node a child process (cluster-node-child.ts) the test
 * drives over IPC and may kill -9.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import type { SessionStatus } from "../../src/contract.js";

export interface WireClusterInfo {
  mode: "single" | "cluster";
  nodeId: string;
  isOwner: boolean;
  ownerNodeId: string | null;
  ownerSince: string | null;
  leaseExpiresAt: string | null;
}

type Heard =
  | { type: "status"; status: SessionStatus; isOwner: boolean }
  | { type: "cluster" | "ready"; info: WireClusterInfo };

export interface ClusterNodeChild {
  nodeId: string;
  /** Every status change this node published, oldest first. */
  statuses: { at: number; status: SessionStatus; isOwner: boolean }[];
  /** Every role change, with when the test heard it. */
  roles: { at: number; info: WireClusterInfo }[];
  call<T>(op: string, args?: Record<string, unknown>): Promise<T>;
  /** Resolves with the first status (already seen or coming) that passes `check`. */
  statusReaches(check: (status: SessionStatus) => boolean, timeoutMs?: number): Promise<SessionStatus>;
  /** Resolves with when this node owned the session (true) or followed (false), in roles[after…]. */
  roleReaches(isOwner: boolean, timeoutMs?: number, after?: number): Promise<number>;
  kill(): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterWorld {
  simulator: WhatsAppSimulator;
  sessionsDir: string;
  start(nodeId: string, settings?: Record<string, unknown>): Promise<ClusterNodeChild>;
  close(): Promise<void>;
}

export async function startClusterWorld(databaseUrl: string): Promise<ClusterWorld> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-cluster-"));
  const simulator = await startSimulator({ port: 0 });
  const sessionsDir = path.join(dir, "wa_sessions");
  const children = new Set<ChildProcess>();
  return {
    simulator,
    sessionsDir,
    async start(nodeId, settings) {
      const config = {
        databaseUrl,
        sessionsDir,
        mediaDir: path.join(dir, "media"),
        wsUrl: simulator.wsUrl,
        mediaUrl: simulator.media.info().url,
        caPath: simulator.media.info().caPath,
        nodeId,
        ...(settings ? { settings } : {}),
      };
      const script = path.join(import.meta.dirname, "cluster-node-child.ts");
      const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(config)], {
        cwd: path.join(import.meta.dirname, "..", ".."),
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      children.add(child);
      const node = wrap(nodeId, child);
      const exited = once(child, "exit").then(() => {
        throw new Error(`node ${nodeId} exited before it was ready`);
      });
      await Promise.race([once(child, "message"), exited]);
      exited.catch(() => undefined);
      child.once("exit", () => children.delete(child));
      return node;
    },
    async close() {
      for (const child of children) child.kill("SIGKILL");
      await simulator.close();
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

function wrap(nodeId: string, child: ChildProcess): ClusterNodeChild {
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const waiters = new Set<() => void>();
  let nextId = 1;
  const node: ClusterNodeChild = {
    nodeId,
    statuses: [],
    roles: [],
    call<T>(op: string, args: Record<string, unknown> = {}) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, op, args });
      });
    },
    statusReaches(check, timeoutMs = 20_000) {
      return until(
        () => node.statuses.find((seen) => check(seen.status))?.status,
        `${nodeId} status`,
        timeoutMs,
      );
    },
    roleReaches(isOwner, timeoutMs = 20_000, after = 0) {
      const find = () => node.roles.slice(after).find((seen) => seen.info.isOwner === isOwner)?.at;
      return until(find, `${nodeId} role`, timeoutMs);
    },
    async kill() {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    },
    async close() {
      const exited = once(child, "exit");
      await node.call("close");
      await exited;
    },
  };
  function until<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${what}: not within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }
  child.on("message", (raw) => {
    const message = raw as { id?: number; ok?: boolean; value?: unknown; error?: string } & Partial<Heard> & {
        info?: WireClusterInfo;
      };
    if (message.id !== undefined) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(new Error(message.error));
      return;
    }
    if (message.type === "status" && message.status)
      node.statuses.push({ at: Date.now(), status: message.status, isOwner: message.isOwner ?? false });
    if ((message.type === "cluster" || message.type === "ready") && message.info)
      node.roles.push({ at: Date.now(), info: message.info });
    for (const waiter of [...waiters]) waiter();
  });
  return node;
}
