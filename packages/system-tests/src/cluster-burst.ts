/**
 * A burst split across the nodes' REST, as clients behind a load balancer send it: message i goes to
 * the i-th running node in turn; a node that is gone (killed, or drained for a restart: the harness
 * takes it out of `nodes` before signalling it) is not picked, and a request that meets a node dying
 * under it (or answers 503, its database connection cut) is sent again, same idempotency key, to another
 * node. Every other answer that is not 202 counts as refused: the acceptance says none may be.
 */
import type { Cluster } from "./cluster.js";
import type { ApiAnswer } from "./rest-client.js";
import { recipient } from "./simulated-kabar.js";
import { receivedByContacts } from "./tally.js";

export interface SplitBurstOptions {
  scenario: string;
  total: number;
  /** Called after each accepted send with how many were accepted; start a fault from here (no await). */
  onAccepted?: (accepted: number) => void;
  /** Keep sending past `total` until this settles, so a fault that takes long stays inside the burst. */
  keepSendingUntil?: () => Promise<unknown> | undefined;
}

export interface SplitBurst {
  /** The outbox ids of the accepted sends, in order. */
  acceptedIds: string[];
  /** Accepted per node id. */
  acceptedBy: Record<string, number>;
  /** Answers other than 202 (a refused send), with the node that gave them. */
  refused: { nodeId: string; answer: ApiAnswer }[];
  /** Requests that met a node dying under them and went to another node with the same key. */
  redirected: number;
}

export async function sendSplit(cluster: Cluster, options: SplitBurstOptions): Promise<SplitBurst> {
  const result: SplitBurst = { acceptedIds: [], acceptedBy: {}, refused: [], redirected: 0 };
  let isFaultOver = false;
  for (let index = 0; index < options.total || !isFaultOver; index += 1) {
    if (index === options.total) {
      const fault = options.keepSendingUntil?.();
      // no fault still going on: the burst is exactly `total` long
      if (!fault) break;
      void fault.finally(() => (isFaultOver = true)).catch(() => undefined);
    }
    const body = {
      to: recipient(index),
      message: `${options.scenario} #${index}`,
      idempotencyKey: `${options.scenario}-${index}`,
    };
    for (let attempt = 0; ; attempt += 1) {
      const running = [...cluster.nodes.keys()];
      const nodeId = running[(index + attempt) % Math.max(running.length, 1)];
      if (!nodeId) throw new Error(`${options.scenario} #${index}: no node is running`);
      let answer: ApiAnswer;
      try {
        answer = await cluster.send(nodeId, body);
      } catch (error) {
        // the connection broke: the node died under the request; a balancer sends it elsewhere
        if (attempt >= 5) throw error;
        result.redirected += 1;
        continue;
      }
      // 503: this node lost its database connection under the request (it says to send again); a client
      // behind a load balancer sends it to another node with the same key, which stores it at most once
      if (answer.status === 503 && attempt < 5) {
        result.redirected += 1;
        continue;
      }
      if (answer.status !== 202) {
        result.refused.push({ nodeId, answer });
        break;
      }
      result.acceptedIds.push((answer.body as { id: string }).id);
      result.acceptedBy[nodeId] = (result.acceptedBy[nodeId] ?? 0) + 1;
      options.onAccepted?.(result.acceptedIds.length);
      break;
    }
  }
  return result;
}

/** Resolves once the contacts hold `count` distinct messages; rejects after `timeoutMs` saying how many. */
export async function contactsReceived(cluster: Cluster, count: number, timeoutMs: number): Promise<void> {
  const { simulator } = cluster;
  const waiting = simulator.waitFor(
    "message",
    () => receivedByContacts(simulator).length >= count,
    timeoutMs,
  );
  if (receivedByContacts(simulator).length >= count) {
    waiting.catch(() => undefined);
    return;
  }
  await waiting.catch(() => {
    throw new Error(`only ${receivedByContacts(simulator).length} of ${count} messages reached the contacts`);
  });
}

/**
 * Resolves once the shared outbox holds nothing queued or sending (read from the database every
 * 100 ms: the nodes' processes are out of reach of an event here), so late re-sends are counted too.
 */
export async function outboxSettled(cluster: Cluster, timeoutMs: number): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const pending = await cluster.db.outboxMessage.count({
      where: { status: { in: ["queued", "sending"] } },
    });
    if (pending === 0) return;
    if (Date.now() > giveUpAt)
      throw new Error(`${pending} messages still queued or sending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
