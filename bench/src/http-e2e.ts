/**
 * (8) End to end from outside, through HTTP: `POST /api/messages` started → the simulated contact
 * decrypted the message, one message at a time, pacing off. The product — as `pnpm start` runs it
 * (built to JavaScript, start.sh, the default log level), or with `tsx` the sources under tsx in
 * server-child.ts as before 2026-12-02 — against a bare wa-multi-session gateway (bare-gateway.mjs),
 * each linked to a simulator of its own, interleaved message by message so load changes hit both
 * alike. Both bodies carry a unique text, which is how the contact's decrypt is matched to the request.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { linkThroughClient } from "@kabar/api/testing";
import { createKabarClient } from "@kabar/client";
import { callApi, NO_PACING, recipient, startBuiltServer, startChildOutbox } from "@kabar/system-tests";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { type LatencySummary, processCpuMs, since, summarize } from "./stats.js";

export interface HttpEndToEndResult {
  settings: string;
  count: number;
  product: { answered: LatencySummary; decrypted: LatencySummary };
  bare: { answered: LatencySummary; decrypted: LatencySummary };
  ratioP50: number;
  ratioP95: number;
  /** CPU ms (user + system) per message of the product's server and of the bare gateway, over the timed loop */
  cpuPerMessage: { product: number | null; bare: number };
}

type Post = (to: string, text: string) => Promise<void>;
interface Sample {
  answered: number;
  decrypted: number;
}

/** performance.now() when the contact decrypted each text. */
function decryptedTexts(simulator: WhatsAppSimulator) {
  const seen = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  simulator.on("message", ({ message, isDuplicate }) => {
    if (isDuplicate || message.decryptError !== undefined || seen.has(message.text)) return;
    const at = performance.now();
    seen.set(message.text, at);
    waiting.get(message.text)?.(at);
  });
  return (text: string, timeoutMs = 30_000): Promise<number> => {
    const known = seen.get(text);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`"${text}" not decrypted in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiting.set(text, (at) => {
        clearTimeout(timer);
        waiting.delete(text);
        resolve(at);
      });
    });
  };
}

interface BareGateway {
  url: string;
  pid: number;
  simulator: WhatsAppSimulator;
  close(): Promise<void>;
}

async function startBareGateway(): Promise<BareGateway> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-bare-"));
  const simulator = await startSimulator({ port: 0 });
  const gateway = path.join(import.meta.dirname, "bare-gateway.mjs");
  const child: ChildProcess = spawn(process.execPath, [gateway, simulator.wsUrl, dir], {
    cwd: path.join(import.meta.dirname, ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const close = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let readyUrl: string | null = null;
      let connected = false;
      const timer = setTimeout(() => reject(new Error("the bare gateway did not link in 60 s")), 60_000);
      void exited.then(() => reject(new Error("the bare gateway exited")));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
        if (!text.startsWith("{")) return;
        const line = JSON.parse(text) as { type: string; qr?: string; url?: string };
        if (line.type === "qr" && line.qr && !connected) void simulator.phone.scan(line.qr).catch(reject);
        if (line.type === "ready" && line.url) readyUrl = line.url;
        if (line.type === "connected") connected = true;
        if (readyUrl && connected) {
          clearTimeout(timer);
          resolve(readyUrl);
        }
      });
    });
    return { url, pid: child.pid ?? 0, simulator, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function timed(
  post: Post,
  decrypted: (text: string) => Promise<number>,
  to: string,
  text: string,
): Promise<Sample> {
  const start = performance.now();
  await post(to, text);
  const answered = since(start);
  return { answered, decrypted: (await decrypted(text)) - start };
}

/** How figure 8 starts the product: as `pnpm start` (the build must exist: buildServer()), or under tsx. */
export type ProductLaunch = "start-script" | "tsx";

export async function benchHttpEndToEnd(options: {
  count: number;
  log: (line: string) => void;
  launch: ProductLaunch;
}): Promise<HttpEndToEndResult> {
  const product = await (options.launch === "start-script" ? startBuiltProduct() : startTsxProduct());
  let bare: BareGateway | null = null;
  try {
    const { server, simulator } = product;
    bare = await startBareGateway();
    const bareUrl = bare.url;
    options.log("e2e: product and bare gateway linked");

    const postProduct: Post = async (to, text) => {
      const answer = await callApi(server.url, "POST", "/api/messages", {
        token: server.token,
        body: { to, message: text },
      });
      if (answer.status >= 300) throw new Error(`product answered ${answer.status}`);
    };
    const postBare: Post = async (to, text) => {
      const answer = await callApi(bareUrl, "POST", "/api/messages", { body: { to, message: text } });
      if (answer.status >= 300) throw new Error(`bare gateway answered ${answer.status}`);
    };
    const productDecrypted = decryptedTexts(simulator);
    const bareDecrypted = decryptedTexts(bare.simulator);
    for (let index = 0; index < 12; index += 1) {
      await timed(postProduct, productDecrypted, recipient(index), `warm product ${index}`);
      await timed(postBare, bareDecrypted, recipient(index), `warm bare ${index}`);
    }
    const samples: Record<"product" | "bare", Sample[]> = { product: [], bare: [] };
    const cpuAtStart = { product: product.pid ? processCpuMs(product.pid) : 0, bare: processCpuMs(bare.pid) };
    for (let index = 0; index < options.count; index += 1) {
      samples.product.push(
        await timed(postProduct, productDecrypted, recipient(index), `E2E product ${index}`),
      );
      samples.bare.push(await timed(postBare, bareDecrypted, recipient(index), `E2E bare ${index}`));
    }
    const perMessage = (used: number) => Math.round((used / options.count) * 100) / 100;
    const cpuPerMessage = {
      product: product.pid ? perMessage(processCpuMs(product.pid) - cpuAtStart.product) : null,
      bare: perMessage(processCpuMs(bare.pid) - cpuAtStart.bare),
    };
    const side = (timedSamples: Sample[]) => ({
      answered: summarize(timedSamples.map((sample) => sample.answered)),
      decrypted: summarize(timedSamples.map((sample) => sample.decrypted)),
    });
    const productSide = side(samples.product);
    const bareSide = side(samples.bare);
    return {
      settings: `product ${options.launch === "start-script" ? "as pnpm start runs it (built, start.sh, LOG_LEVEL info)" : "from its sources under tsx (server-child.ts)"}; REST, one at a time, pacing off (gaps ${NO_PACING.minGapMs}/${NO_PACING.maxGapMs}/${NO_PACING.perRecipientGapMs} ms, cap ${NO_PACING.dailyCap}), a simulator each`,
      count: options.count,
      product: productSide,
      bare: bareSide,
      ratioP50: Math.round((productSide.decrypted.p50 / bareSide.decrypted.p50) * 100) / 100,
      ratioP95: Math.round((productSide.decrypted.p95 / bareSide.decrypted.p95) * 100) / 100,
      cpuPerMessage,
    };
  } finally {
    await bare?.close();
    await product.close();
  }
}

interface Product {
  server: { url: string; token: string };
  /** the server's process, when it is one the bench can read (not under tsx's wrapper) */
  pid: number | null;
  simulator: WhatsAppSimulator;
  close(): Promise<void>;
}

/** The product as `pnpm start` runs it: built to JavaScript, start.sh, the default log level. */
async function startBuiltProduct(): Promise<Product> {
  const simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  // info: the default of LOG_LEVEL, so each request's log line is paid for as in production
  const built = await startBuiltServer(simulator, { LOG_LEVEL: "info" }).catch(async (error: unknown) => {
    await simulator.close();
    throw error;
  });
  const close = async () => {
    await built.stop();
    await simulator.close();
  };
  try {
    const token = await built.adminToken();
    const client = createKabarClient({ url: built.url, token });
    await client.settings.update.mutate(NO_PACING);
    await linkThroughClient(client, (qr) => simulator.phone.scan(qr));
    return { server: { url: built.url, token }, pid: built.child.pid ?? null, simulator, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startTsxProduct(): Promise<Product> {
  // No `drained` reporting: it reads the outbox depth after every status change, inside the process measured.
  const product = await startChildOutbox({ env: { KABAR_REPORT_DRAINED: "0" } });
  try {
    const { server, simulator } = product;
    const created = await callApi(server.url, "POST", "/api/admin/whatsapp-sessions", {
      token: server.token,
      body: { name: "Bench", sessionId: "bench_e2e" },
    });
    if (created.status !== 201) throw new Error(`creating the session answered ${created.status}`);
    const waitingQr = server.waitForLine((line) => line.state === "waiting_qr" && Boolean(line.qr), 90_000);
    await callApi(server.url, "POST", "/api/admin/whatsapp-sessions/connect", { token: server.token });
    const { qr } = await waitingQr;
    const connected = server.waitForLine((line) => line.state === "connected");
    await simulator.phone.scan(qr ?? "");
    await connected;
    return { server, pid: null, simulator, close: () => product.close() };
  } catch (error) {
    await product.close();
    throw error;
  }
}

const triple = (summary: LatencySummary) => `${summary.p50} / ${summary.p95} / ${summary.p99} ms`;

export function httpEndToEndRows(result: HttpEndToEndResult): [string, string, string][] {
  return [
    [
      "8 POST → decrypted, product (p50/p95/p99)",
      triple(result.product.decrypted),
      `${result.count} each side, interleaved`,
    ],
    ["8 POST → decrypted, bare gateway", triple(result.bare.decrypted), "wa-multi-session sendTextMessage"],
    [
      "8 ratio product/bare, end to end",
      `×${result.ratioP50} p50 (×${result.ratioP95} p95)`,
      result.ratioP50 <= 1.15 ? "≤1.15 met" : "≤1.15 MISSED",
    ],
    [
      "8 POST → answer, product / bare (p50)",
      `${result.product.answered.p50} / ${result.bare.answered.p50} ms`,
      "202 queued / 200 after send",
    ],
    [
      "8 CPU per message, product / bare",
      `${result.cpuPerMessage.product ?? "–"} / ${result.cpuPerMessage.bare} ms`,
      "user + system of each server process over the timed loop",
    ],
    ["8 settings", result.settings, ""],
  ];
}
