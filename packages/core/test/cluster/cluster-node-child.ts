/**
 * One node of a cluster test, in its own process (wa-multi-session's state is per process): createKabar on
 * the PostgreSQL database and simulator it is given. The test drives it over IPC ({id, op, args} → {id, ok,
 * value | error}) and hears every status change ({type: "status"}) and role change ({type: "cluster"}).
 */
import { pino } from "pino";
import type { ClusterInfo, Kabar } from "../../src/contract.js";
import { createKabar } from "../../src/create-kabar.js";
import { NO_PACING } from "../outbox-burst.js";

interface ChildConfig {
  databaseUrl: string;
  sessionsDir: string;
  mediaDir: string;
  wsUrl: string;
  mediaUrl: string;
  caPath: string;
  nodeId: string;
  settings?: Record<string, unknown>;
}

const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
const send = (message: unknown) => process.send?.(message);

const kabar: Kabar = await createKabar({
  databaseUrl: config.databaseUrl,
  sessionsDir: config.sessionsDir,
  mediaDir: config.mediaDir,
  whatsappWsUrl: config.wsUrl,
  whatsappMediaUrl: config.mediaUrl,
  whatsappExtraCa: config.caPath,
  clusterNodeId: config.nodeId,
  settings: { ...NO_PACING, ...config.settings },
  ackTimeoutMs: 3_000,
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
  installProcessGuards: true,
});

const wire = (info: ClusterInfo) => ({
  ...info,
  ownerSince: info.ownerSince?.toISOString() ?? null,
  leaseExpiresAt: info.leaseExpiresAt?.toISOString() ?? null,
});
let wasOwner = kabar.cluster().isOwner;
kabar.events.on(({ event }) => {
  if (event.type === "session.state")
    send({ type: "status", status: event.status, isOwner: kabar.cluster().isOwner });
});
setInterval(() => {
  const info = kabar.cluster();
  if (info.isOwner !== wasOwner) send({ type: "cluster", info: wire(info) });
  wasOwner = info.isOwner;
}, 20);

const ops: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
  cluster: async () => wire(kabar.cluster()),
  status: async () => kabar.sessions.status(),
  createSession: async (args) => kabar.sessions.create(args as { name: string; sessionId: string }),
  connect: async () => kabar.sessions.connect(),
  send: async (args) => kabar.messages.send(args as { to: string; message: string }),
  messages: async () => {
    const items = [];
    let cursor: string | undefined;
    do {
      const page = await kabar.messages.list({ limit: 100, ...(cursor ? { cursor } : {}) });
      items.push(
        ...page.items.map((item) => ({ id: item.waMessageId, text: item.text ?? "", status: item.status })),
      );
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items.reverse();
  },
  close: async () => {
    await kabar.close();
    setTimeout(() => process.exit(0), 10);
    return null;
  },
};

process.on("message", (raw) => {
  const { id, op, args } = raw as { id: number; op: string; args: Record<string, unknown> };
  const run = ops[op];
  if (!run) return send({ id, ok: false, error: `unknown op ${op}` });
  run(args ?? {}).then(
    (value) => send({ id, ok: true, value }),
    (error: unknown) =>
      send({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
send({ type: "ready", info: wire(kabar.cluster()) });
