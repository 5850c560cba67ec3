/**
 * Link previews are off by default: a text with an https:// link to an internal host makes the
 * server request nothing (Baileys would otherwise fetch it to build a preview). The host name is made
 * to resolve to 127.0.0.1 in this process, as an internal name would on a server's network.
 */
import dns from "node:dns";
import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, statusOf } from "./outbox-harness.js";
import { linkSession, type SimulatedKabar, startSimulatedKabar } from "./outbox-simulated.js";

const INTERNAL_HOST = "intern.kabar-test.com";
let harness: SimulatedKabar | null = null;
let server: net.Server | null = null;
let connections = 0;
const originalLookup = dns.lookup;

type LookupCallback = (error: Error | null, address: unknown, family?: number) => void;

beforeEach(async () => {
  connections = 0;
  // Any TCP connection counts: an HTTPS request would first have to open one.
  server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  // fetch (undici) resolves through dns.lookup; only the test's host name is answered here.
  const lookup = (hostname: string, options: unknown, callback?: LookupCallback) => {
    const done = (typeof options === "function" ? options : callback) as LookupCallback;
    const wantsAll = typeof options === "object" && options !== null && "all" in options && options.all;
    if (hostname !== INTERNAL_HOST) return Reflect.apply(originalLookup, dns, [hostname, options, callback]);
    if (wantsAll) done(null, [{ address: "127.0.0.1", family: 4 }]);
    else done(null, "127.0.0.1", 4);
  };
  Object.assign(dns, { lookup });
});

afterEach(async () => {
  Object.assign(dns, { lookup: originalLookup });
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
  await harness?.close();
  harness = null;
});

describe("link previews", { timeout: 60_000 }, () => {
  it("sends a text with a link to an internal host without any request to it", async () => {
    harness = await startSimulatedKabar();
    await linkSession(harness);
    const address = server?.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const url = `https://${INTERNAL_HOST}:${port}/admin/secret`;
    // The test's resolver really sends that name to the listening server.
    await fetch(url).catch(() => undefined);
    expect(connections).toBe(1);

    const { kabar, simulator } = harness;
    const { id } = await kabar.messages.send({ to: "081299990500", message: `Lihat ${url} ya` });
    await nextEvent(kabar.events, statusOf(id, "sent"), 20_000);
    expect(simulator.contacts.messages("6281299990500").map((message) => message.text)).toEqual([
      `Lihat ${url} ya`,
    ]);
    expect(connections).toBe(1);
  });

  it("with previews turned on, still never requests a host that resolves to a loopback address", async () => {
    harness = await startSimulatedKabar({ settings: { linkPreviews: true } });
    await linkSession(harness);
    const address = server?.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const url = `https://${INTERNAL_HOST}:${port}/latest/meta-data/`;
    const { kabar, simulator } = harness;
    const { id } = await kabar.messages.send({ to: "081299990501", message: `Cek ${url}` });
    await nextEvent(kabar.events, statusOf(id, "sent"), 20_000);
    expect(simulator.contacts.messages("6281299990501").map((message) => message.text)).toEqual([
      `Cek ${url}`,
    ]);
    expect(connections).toBe(0);
  });
});
