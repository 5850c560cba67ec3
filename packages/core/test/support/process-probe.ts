/**
 * Run as its own process by process-untouched.test.ts: what importing core, creating a Kabar, and
 * creating one with installProcessGuards change in the process. Prints one JSON line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const METHODS = ["log", "info", "warn", "error", "debug"] as const;
const consoleNow = () => METHODS.map((method) => console[method]);
const listeners = () => ({
  unhandledRejection: process.listenerCount("unhandledRejection"),
  uncaughtException: process.listenerCount("uncaughtException"),
});

const console0 = consoleNow();
const listeners0 = listeners();
// The Baileys copy wa-multi-session (and so core) uses, loaded before core to see its defaults.
const requireHere = createRequire(import.meta.url);
const requireFromLibrary = createRequire(requireHere.resolve("wa-multi-session"));
const baileys = requireFromLibrary("@whiskeysockets/baileys") as {
  DEFAULT_CONNECTION_CONFIG: Record<string, unknown>;
};
const config = () =>
  JSON.stringify(baileys.DEFAULT_CONNECTION_CONFIG, (_key, value: unknown) =>
    typeof value === "function" ? `[function ${value.name}]` : value,
  );
const config0 = config();

function changes(): string[] {
  const changed: string[] = [];
  consoleNow().forEach((fn, index) => {
    if (fn !== console0[index]) changed.push(`console.${METHODS[index]}`);
  });
  const now = listeners();
  if (now.unhandledRejection !== listeners0.unhandledRejection) changed.push("unhandledRejection listener");
  if (now.uncaughtException !== listeners0.uncaughtException) changed.push("uncaughtException listener");
  if (config() !== config0) changed.push("Baileys DEFAULT_CONNECTION_CONFIG");
  return changed;
}

const core = await import("../../src/index.js");
const afterImport = changes();

const dir = mkdtempSync(path.join(tmpdir(), "kabar-process-probe-"));
const options = {
  databaseUrl: `file:${path.join(dir, "kabar.db")}`,
  sessionsDir: path.join(dir, "wa_sessions"),
  // Set, to show the URL reaches the socket without touching Baileys' shared defaults.
  whatsappWsUrl: "ws://127.0.0.1:9/ws/chat",
  logger: (await import("pino")).pino({ level: "silent" }),
};
const plain = await core.createKabar(options);
await plain.close();
const afterCreate = changes();

const guarded = await core.createKabar({ ...options, installProcessGuards: true });
await guarded.close();
const afterGuarded = changes();
rmSync(dir, { recursive: true, force: true });

process.stdout.write(`${JSON.stringify({ afterImport, afterCreate, afterGuarded })}\n`);
