import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createWaWebVersionResolver,
  parseWaWebVersion,
  type WaWebVersion,
  waWebVersionUrl,
} from "./wa-web-version.js";

const BUNDLED: WaWebVersion = [2, 3000, 1019707846];
const logger = pino({ level: "silent" });

describe("the WhatsApp Web version resolver", () => {
  let server: Server;
  let url: string;
  let revision = 1030000000;
  let mode: "ok" | "fail" | "hang" = "ok";
  let requests = 0;

  beforeEach(async () => {
    requests = 0;
    mode = "ok";
    server = createServer((_request, response) => {
      requests += 1;
      if (mode === "hang") return;
      if (mode === "fail") return void response.writeHead(500).end();
      // escaped JSON, as web.whatsapp.com's sw.js carries it
      response.end(`self.x=JSON.parse("{\\"client_revision\\":${revision}}");`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sw.js`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("reads client_revision live, keeps it 6 h, and looks again when asked for a fresh one", async () => {
    let now = 0;
    const resolver = createWaWebVersionResolver({ url, bundled: BUNDLED, logger, now: () => now });
    expect(await resolver.resolve()).toEqual({ version: [2, 3000, 1030000000], source: "live" });
    revision = 1030000005;
    now += 6 * 60 * 60 * 1000 - 1;
    expect((await resolver.resolve()).version).toEqual([2, 3000, 1030000000]);
    expect(requests).toBe(1);
    expect(await resolver.resolve({ fresh: true })).toEqual({
      version: [2, 3000, 1030000005],
      source: "live",
    });
    revision = 1030000009;
    now += 6 * 60 * 60 * 1000;
    expect((await resolver.resolve()).version).toEqual([2, 3000, 1030000009]);
    expect(requests).toBe(3);
  });

  it("falls back to the bundled version when the page fails or hangs past the timeout", async () => {
    mode = "fail";
    const failing = createWaWebVersionResolver({ url, bundled: BUNDLED, logger });
    expect(await failing.resolve()).toEqual({ version: BUNDLED, source: "bundled" });
    mode = "hang";
    const hanging = createWaWebVersionResolver({ url, bundled: BUNDLED, logger, timeoutMs: 200 });
    const started = Date.now();
    expect(await hanging.resolve()).toEqual({ version: BUNDLED, source: "bundled" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("WA_WEB_VERSION wins without any lookup; a malformed one is refused", async () => {
    const resolver = createWaWebVersionResolver({
      url,
      bundled: BUNDLED,
      logger,
      override: parseWaWebVersion("2.3000.1031234567"),
    });
    expect(await resolver.resolve({ fresh: true })).toEqual({
      version: [2, 3000, 1031234567],
      source: "env",
    });
    expect(requests).toBe(0);
    for (const bad of ["2.3000", "v2.3000.1", "2.3000.1.4", ""])
      expect(() => parseWaWebVersion(bad)).toThrow();
  });

  it("reads from web.whatsapp.com, or in simulated mode from the simulator's host and port", () => {
    expect(waWebVersionUrl({})).toBe("https://web.whatsapp.com/sw.js");
    expect(waWebVersionUrl({ whatsappWsUrl: "ws://127.0.0.1:3100/ws/chat" })).toBe(
      "http://127.0.0.1:3100/wa-web/sw.js",
    );
    expect(waWebVersionUrl({ whatsappWsUrl: "wss://sim.example:8443/ws/chat" })).toBe(
      "https://sim.example:8443/wa-web/sw.js",
    );
    expect(waWebVersionUrl({ override: "http://mirror/sw.js", whatsappWsUrl: "ws://x:1/ws" })).toBe(
      "http://mirror/sw.js",
    );
  });
});
