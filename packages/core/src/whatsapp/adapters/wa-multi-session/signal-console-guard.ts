/**
 * libsignal (under Baileys) reports session changes with `console.info("Opening session:", entry)`
 * and the like, where `entry` holds the session's root key, chain keys and private ratchet keys.
 * Printed as is, every first message to a contact would write Signal secrets to the server's log.
 * The guard routes exactly those lines to our logger with the text only, never the objects; any
 * other console call goes through untouched.
 */
import type { Logger } from "pino";

const SIGNAL_LINES = [
  "Opening session",
  "Closing session",
  "Removing old closed session",
  "Session already closed",
  "Session already open",
  "Migrating session to",
  "Closing open session in favor of incoming prekey bundle",
  "Closing stale open session",
  "Decrypted message with closed session",
  "Failed to decrypt message with any known session",
  "Session error",
  "V1 session storage migration error",
  "Unhandled bucket type",
  "WARNING: Expected pubkey of length 33",
];

type ConsoleMethod = "log" | "info" | "warn" | "error" | "debug";
const METHODS: readonly ConsoleMethod[] = ["log", "info", "warn", "error", "debug"];

let guardedLogger: Logger | null = null;

/** The libsignal line a console call is, or null. Only the text before the first colon is kept. */
export function signalLineOf(args: readonly unknown[]): string | null {
  const [first] = args;
  if (typeof first !== "string") return null;
  const line = SIGNAL_LINES.find((prefix) => first.startsWith(prefix));
  return line ?? null;
}

/** Installs the guard once per process; later calls only switch the logger it writes to. */
export function guardSignalConsole(logger: Logger): void {
  const isInstalled = guardedLogger !== null;
  guardedLogger = logger;
  if (isInstalled) return;
  for (const method of METHODS) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const line = signalLineOf(args);
      if (line === null) {
        original(...args);
        return;
      }
      const level = method === "error" || method === "warn" ? "warn" : "debug";
      guardedLogger?.[level]({ module: "libsignal" }, line);
    };
  }
}
