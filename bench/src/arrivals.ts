/**
 * When each WhatsApp id reached two points both sides of figure 1 share, so core and the direct call
 * are timed to the same events:
 * - the server's `<ack class="message">` as the library's WebSocket receives it (Baileys emits
 *   `CB:ack,class:message` on `socket.ws` for every frame; only failed acks become messages.update,
 *   and a status ≥ 2 update comes from the contact's delivery receipt, which is why the old figure
 *   timed the direct side to a later event);
 * - the simulated contact having decrypted its copy (the simulator's `message` event, emitted after
 *   the contact's Signal decrypt and, for media, after it downloaded and checked the file).
 */
import { createRequire } from "node:module";
import type { WhatsAppSimulator } from "@kabar/whatsapp-simulator";

type WaMultiSession = typeof import("wa-multi-session");
// The CommonJS instance core's adapter uses (an ESM import would be a second copy of the module state).
export const library = createRequire(import.meta.url)("wa-multi-session") as WaMultiSession;

interface AckNode {
  attrs: { id?: string; error?: string };
}

type Point = "serverAck" | "decrypted";

export interface Arrivals {
  /** performance.now() of the point for this id; waits for it (rejects after timeoutMs). */
  at(point: Point, id: string, timeoutMs?: number): Promise<number>;
  close(): void;
}

export function watchArrivals(simulator: WhatsAppSimulator, sessionId: string): Arrivals {
  const socket = library.getSession(sessionId);
  if (!socket) throw new Error(`wa-multi-session has no socket for ${sessionId}`);
  const seen: Record<Point, Map<string, number>> = { serverAck: new Map(), decrypted: new Map() };
  const waiting: Record<Point, Map<string, (at: number) => void>> = {
    serverAck: new Map(),
    decrypted: new Map(),
  };
  function note(point: Point, id: string): void {
    if (seen[point].has(id)) return;
    const now = performance.now();
    seen[point].set(id, now);
    waiting[point].get(id)?.(now);
  }
  const onAck = (node: AckNode) => {
    // an error ack (463, a fault) is no server ack of the message
    if (node.attrs.id && node.attrs.error === undefined) note("serverAck", node.attrs.id);
  };
  const onMessage = ({
    message,
  }: {
    message: { id: string; decryptError?: string; mediaError?: string };
  }) => {
    if (message.decryptError === undefined && message.mediaError === undefined) note("decrypted", message.id);
  };
  socket.ws.on("CB:ack,class:message", onAck);
  simulator.on("message", onMessage);
  return {
    at(point, id, timeoutMs = 30_000) {
      const known = seen[point].get(id);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting[point].delete(id);
          reject(new Error(`no ${point} for ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting[point].set(id, (at) => {
          clearTimeout(timer);
          waiting[point].delete(id);
          resolve(at);
        });
      });
    },
    close() {
      socket.ws.off("CB:ack,class:message", onAck);
      simulator.off("message", onMessage);
    },
  };
}
