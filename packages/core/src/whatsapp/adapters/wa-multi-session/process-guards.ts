/**
 * The two process-wide changes the WhatsApp library needs, installed only on request: importing
 * @kabar/core changes nothing. The server's entry installs them at start, `createKabar({
 * installProcessGuards: true })` and the seed's library functions do too; an embedder that builds
 * its own Kabar decides for its own process.
 *
 * - `console.log/info/warn/error/debug`: libsignal prints Signal session secrets with console.info;
 *   those lines (and only those) go to the logger as text, without the objects.
 * - `process.on("unhandledRejection")`: Baileys' queries on a socket already ended reject 60 s later
 *   where nothing catches them; those (a WebSocket close code, "Timed Out", "Connection Closed") are
 *   logged, anything else keeps Node's default and ends the process.
 */
import type { Logger } from "pino";
import { guardSignalConsole } from "./signal-console-guard.js";
import { installDanglingQuerySafetyNet } from "./socket-teardown.js";

/** Idempotent; a second call only switches the logger the console guard writes to. */
export function installProcessGuards(logger: Logger): void {
  guardSignalConsole(logger);
  installDanglingQuerySafetyNet(logger);
}
