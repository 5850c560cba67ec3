/**
 * createKabar's side of the roles: which parts of Kabar run only on the owner of the WhatsApp session, and
 * the session service every node exposes (socket commands go to the owner, wherever they were asked).
 */
import type { Logger } from "pino";
import type { SessionService, SessionStatus } from "../contract.js";
import type { Broadcasts } from "../broadcasts/create-broadcasts.js";
import type { OutboxWorker } from "../outbox/outbox-worker.js";
import type { SessionManager } from "../session/session-manager.js";
import type { SessionCommand } from "./command-channel.js";
import { type ClusterNode, singleNode, startClusterNode } from "./cluster-node.js";
import { DEFAULT_LEASE_MS } from "./session-lease.js";

export interface RoleParts {
  sessions: SessionManager;
  worker: OutboxWorker;
  broadcasts: Broadcasts;
  alerts: { close(): void };
  /** Publishes again the status of every message changed since then (see Outbox.announceChangedSince). */
  announceChangedSince(since: Date): Promise<number>;
}

/** How far back a new owner announces statuses again, beyond the old owner's lease: clocks of two machines. */
const ANNOUNCE_MARGIN_MS = 5_000;

/** The socket commands as this node runs them itself: connect and takeOver also end a 463 pause. */
export function localSessionCommands(parts: Pick<RoleParts, "sessions" | "worker">) {
  const { sessions, worker } = parts;
  // Someone pressing "connect" is also saying "try again now": it ends a 463 pause. A reconnect
  // after a socket drop does not, or a flapping socket would undo the pause.
  return (command: SessionCommand, input: unknown): Promise<SessionStatus> => {
    switch (command) {
      case "connect":
        worker.resume();
        return sessions.connect(input as Parameters<SessionService["connect"]>[0]);
      case "takeOver":
        worker.resume();
        return sessions.takeOver();
      case "refreshQr":
        return sessions.refreshQr();
      case "requestPairingCode":
        return sessions.requestPairingCode(input as { phoneNumber: string });
      case "disconnect":
        return sessions.disconnect();
      case "logout":
        return sessions.logout();
    }
  };
}

/** SQLite: the one node owns the session from the start (createKabar starts everything itself). */
export function startSingleNode(nodeId: string, parts: RoleParts): ClusterNode {
  return singleNode(nodeId, { run: localSessionCommands(parts) });
}

/** PostgreSQL: this node follows until the lease makes it the owner. */
export async function startNodeRoles(
  options: { databaseUrl: string; nodeId: string; leaseMs?: number; logger: Logger },
  parts: RoleParts,
): Promise<ClusterNode> {
  const { sessions, worker, broadcasts, alerts } = parts;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  // loads the record and mirrors the owner's status; no socket until own()
  await sessions.start();
  return startClusterNode({
    ...options,
    wakeWorker: () => worker.wake(),
    duties: {
      own: () => sessions.own(),
      fenceSocket: () => sessions.fence(),
      async startWork() {
        const tookAt = Date.now();
        await worker.start();
        await broadcasts.startService();
        // what the previous owner wrote in its last lease may not have reached the other nodes as events
        await parts.announceChangedSince(new Date(tookAt - leaseMs - ANNOUNCE_MARGIN_MS));
      },
      async stopWork() {
        await worker.close();
        await broadcasts.stopService();
        alerts.close();
      },
      run: localSessionCommands(parts),
    },
  });
}

/** The session service of this node: every socket command runs on the owner. */
export function routedSessions(sessions: SessionManager, node: ClusterNode): SessionService {
  return {
    ...sessions,
    connect: (input) => node.command("connect", input ?? {}),
    refreshQr: () => node.command("refreshQr", null),
    requestPairingCode: (input) => node.command("requestPairingCode", input),
    disconnect: () => node.command("disconnect", null),
    logout: () => node.command("logout", null),
    takeOver: () => node.command("takeOver", null),
  };
}
