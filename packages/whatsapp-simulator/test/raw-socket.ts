import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionState, WASocket } from "@whiskeysockets/baileys";
import { baileys } from "../src/baileys.js";
import type { WhatsAppSimulator } from "../src/index.js";

/**
 * A bare Baileys socket, without wa-multi-session and its instant retries: one socket, one outcome.
 * The connection tests need that to see exactly which code a single login ends with, and to log in a
 * second socket of the same device on purpose.
 */
export interface RawSocket {
  socket: WASocket;
  /** The first QR string, for a registering device. */
  qr: Promise<string>;
  opened: Promise<void>;
  /** Baileys' status code for the close (`lastDisconnect.error.output.statusCode`). */
  closed: Promise<number | undefined>;
  end(): void;
}

export interface RawSocketOptions {
  version?: [number, number, number];
  keepAliveIntervalMs?: number;
}

// a child of Baileys' own pino logger; setting its level leaves the shared parent as it was
const silent = baileys.DEFAULT_CONNECTION_CONFIG.logger.child({});
silent.level = "silent";

export async function rawSocket(folder: string, options: RawSocketOptions = {}): Promise<RawSocket> {
  const { state, saveCreds } = await baileys.useMultiFileAuthState(folder);
  const socket = baileys.default({
    auth: state,
    logger: silent,
    ...(options.version ? { version: options.version } : {}),
    ...(options.keepAliveIntervalMs ? { keepAliveIntervalMs: options.keepAliveIntervalMs } : {}),
  });
  socket.ev.on("creds.update", saveCreds);
  const when = (matches: (update: Partial<ConnectionState>) => boolean) =>
    new Promise<Partial<ConnectionState>>((resolve) => {
      const listener = (update: Partial<ConnectionState>) => {
        if (!matches(update)) return;
        socket.ev.off("connection.update", listener);
        resolve(update);
      };
      socket.ev.on("connection.update", listener);
    });
  const closed = when((update) => update.connection === "close").then((update) => {
    const error = update.lastDisconnect?.error;
    return error && "output" in error ? (error.output as { statusCode?: number }).statusCode : undefined;
  });
  return {
    socket,
    qr: when((update) => typeof update.qr === "string").then((update) => update.qr ?? ""),
    opened: when((update) => update.connection === "open").then(() => undefined),
    closed,
    end: () => socket.end(undefined),
  };
}

/** Links a device by QR and returns its logged-in socket; its credentials stay in `folder`. */
export async function linkRaw(
  sim: WhatsAppSimulator,
  folder: string,
  options: RawSocketOptions = {},
): Promise<RawSocket> {
  const registering = await rawSocket(folder, options);
  await sim.phone.scan(await registering.qr);
  const code = await registering.closed;
  if (code !== 515) throw new Error(`expected the restart (515) after pairing, got ${code}`);
  const loggedIn = await rawSocket(folder, options);
  await loggedIn.opened;
  return loggedIn;
}

/** A temp folder per test file, removed by the returned cleanup. */
export function tempFolder(prefix: string): { path: (name: string) => string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { path: (name) => join(root, name), remove: () => rmSync(root, { recursive: true, force: true }) };
}
