/**
 * libsignal prints every Signal session it opens or closes, keys included, with console.info. Through
 * the real library against the simulator: a first message each way opens and closes sessions, and none of it
 * reaches the console; our logger gets the line's text, without the keys.
 */
import { Writable } from "node:stream";
import { inspect } from "node:util";
import { pino } from "pino";
import { afterAll, expect, it } from "vitest";
import { signalLineOf } from "../src/whatsapp/adapters/wa-multi-session/signal-console-guard.js";
import {
  linkNewSession,
  type SimulatedWhatsApp,
  startSimulatedWhatsApp,
} from "./support/simulated-whatsapp-harness.js";

const CONTACT = "6281299990002";
const SECRET_FIELDS = /rootKey|privKey|chainKey|baseKey|ephemeralKeyPair/;

// Recorders in place before the adapter installs its guard, as a server's console is.
const printed: unknown[][] = [];
for (const method of ["log", "info", "warn", "error", "debug"] as const) {
  console[method] = (...args: unknown[]) => {
    printed.push(args);
  };
}
const logLines: string[] = [];
const logger = pino(
  { level: "debug" },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  }),
);

let harness: SimulatedWhatsApp | null = null;
afterAll(async () => {
  await harness?.close();
});

it("keeps libsignal's session keys out of the console and the log", async () => {
  harness = await startSimulatedWhatsApp({ logger });
  const { manager, port } = harness.createManager();
  await manager.start();
  await linkNewSession(harness, manager);
  harness.simulator.contacts.add(CONTACT);
  const incoming = new Promise<void>((resolve) => port.on("incoming", () => resolve()));
  await port.sendText("main_session", { to: CONTACT, text: "halo", messageId: "KABARGUARDTEST1" });
  await harness.simulator.waitForMessages(CONTACT, 1);
  await harness.simulator.contacts.send(CONTACT, "balasan");
  await incoming;

  expect(logLines.filter((line) => SECRET_FIELDS.test(line))).toEqual([]);
  expect(printed.filter((args) => signalLineOf(args) !== null)).toEqual([]);
  expect(printed.filter((args) => args.some((arg) => SECRET_FIELDS.test(inspect(arg))))).toEqual([]);
}, 30_000);
