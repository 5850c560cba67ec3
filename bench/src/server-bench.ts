/**
 * (3), (4b), (6) against the server as its own process: the panel's QR time, REST and tRPC under
 * open-loop load, and the server's resident memory idle and after N messages went out.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { callApi, startChildOutbox } from "@kabar/system-tests";
import { type LoadResult, openLoopLoad } from "./http-load.js";
import { panelQrMs } from "./panel-qr.js";

export interface ServerBenchResult {
  panelQrMs: number | null;
  panelError: string | null;
  load: LoadResult[];
  rssIdleMb: number;
  rssAfterMb: number;
  messagesSent: number;
}

const PASSWORD = "bench-password-1234";

export async function benchServer(options: {
  adminDistDir: string;
  loadSeconds: number;
  messages: number;
  log: (line: string) => void;
}): Promise<ServerBenchResult> {
  const harness = await startChildOutbox({ adminPassword: PASSWORD, adminDistDir: options.adminDistDir });
  try {
    const { server, simulator } = harness;
    const created = await callApi(server.url, "POST", "/api/admin/whatsapp-sessions", {
      token: server.token,
      body: { name: "Bench", sessionId: "bench_server" },
    });
    if (created.status !== 201) throw new Error(`creating the session answered ${created.status}`);

    // (4b) The panel connects; the QR the server emitted is then scanned to link for the rest.
    const waitingQr = server.waitForLine((line) => line.state === "waiting_qr" && Boolean(line.qr), 90_000);
    let panel: number | null = null;
    let panelError: string | null = null;
    if (existsSync(path.join(options.adminDistDir, "index.html"))) {
      panel = await panelQrMs(server.url, PASSWORD).catch((error: unknown) => {
        panelError = String(error).slice(0, 300);
        return null;
      });
    } else panelError = `no panel build at ${options.adminDistDir}`;
    if (panel === null)
      await callApi(server.url, "POST", "/api/admin/whatsapp-sessions/connect", { token: server.token });
    const { qr } = await waitingQr;
    const connected = server.waitForLine((line) => line.state === "connected");
    await simulator.phone.scan(qr ?? "");
    await connected;
    options.log(`panel QR: ${panel === null ? panelError : `${Math.round(panel)} ms`}`);

    global.gc?.();
    const rssIdleMb = server.rssBytes() / 1_048_576;
    const load: LoadResult[] = [];
    let offset = 0;
    for (const target of ["rest", "trpc"] as const) {
      for (const rate of [100, 200]) {
        const result = await openLoopLoad(
          target,
          server.url,
          server.token,
          rate,
          options.loadSeconds,
          offset,
        );
        offset += result.sent;
        load.push(result);
        options.log(
          `${target} @${rate}/s: p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors}`,
        );
        await harness.settled(300_000);
      }
    }
    // (6) Top up to N messages sent in all, 32 requests at a time, then wait until all went out.
    let next = offset;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let index = next++; index < options.messages; index = next++) {
          await callApi(server.url, "POST", "/api/messages", {
            token: server.token,
            body: { to: `62812${String(10_000_000 + (index % 12))}`, message: `RSS #${index}` },
          });
        }
      }),
    );
    await harness.settled(600_000);
    const messagesSent = await harness
      .db()
      .outboxMessage.count({ where: { status: { in: ["sent", "delivered", "read"] } } });
    const rssAfterMb = server.rssBytes() / 1_048_576;
    return { panelQrMs: panel, panelError, load, rssIdleMb, rssAfterMb, messagesSent };
  } finally {
    await harness.close();
  }
}
