/**
 * `pnpm start` runs the server built to JavaScript (packages/api/bin/start.sh: `node
 * --conditions=kabar-built --max-semi-space-size=1 dist/main.js` with glibc's allocator settings), not
 * TypeScript under tsx. Here that very build and script start on their own, migrate a fresh database,
 * serve /health and the panel, link a session against the simulator through the real wa-multi-session
 * + Baileys, and stay within 150 MB resident once linked. Other suites start the server under tsx.
 */
import fs from "node:fs";
import { linkThroughClient } from "@kabar/api/testing";
import { createKabarClient } from "@kabar/client";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BuiltServer, buildServer, startBuiltServer } from "../src/built-server.js";

let simulator: WhatsAppSimulator;
let server: BuiltServer;

beforeAll(async () => {
  await buildServer();
  simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  server = await startBuiltServer(simulator);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await simulator?.close();
});

it("runs as plain JavaScript: node on dist/, no TypeScript loader in the process", () => {
  const commandLine = fs.readFileSync(`/proc/${server.child.pid}/cmdline`, "utf8").split("\0");
  expect(commandLine.slice(0, 3)).toEqual(["node", "--conditions=kabar-built", "--max-semi-space-size=1"]);
  expect(commandLine[3]).toMatch(/packages\/api\/bin\/\.\.\/dist\/main\.js$/);
  // tsx would keep an esbuild service as a child process
  expect(fs.readFileSync(`/proc/${server.child.pid}/task/${server.child.pid}/children`, "utf8").trim()).toBe(
    "",
  );
});

it("migrates a fresh database, answers /health and serves the panel", async () => {
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, database: true, session: { state: "disconnected" } });
  const panel = await fetch(`${server.url}/`);
  expect(await panel.text()).toContain("<title>Kabar panel</title>");
});

it("links a session against the simulator, and stays far below the 231 MB it took before issue 15", async () => {
  const client = createKabarClient({ url: server.url, token: await server.adminToken() });
  const seen = await linkThroughClient(client, (qr) => simulator.phone.scan(qr));
  expect(seen).toContain("waiting_qr");
  const status = await client.session.status.query();
  expect(status).toMatchObject({ state: "connected", linkedNumber: simulator.state().account.number });
  // A guard against a regression, not the goal: the goal (≤ 150 MB idle after linking) is figure 6 of
  // `pnpm bench`, measured alone; here, beside another test file, it reads 137–151 MB right after linking.
  expect(server.rssBytes() / 1_048_576).toBeLessThanOrEqual(175);
}, 90_000);
