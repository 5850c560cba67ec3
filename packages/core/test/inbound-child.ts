/**
 * The process the inbound kill -9 test kills: it opens Kabar on the folder and database it is
 * given, and prints "connected" once the session is; then it only waits to be killed.
 */
import { pino } from "pino";
import { createKabar } from "../src/create-kabar.js";
import { NO_PACING } from "./outbox-burst.js";

const [databaseUrl, sessionsDir, whatsappWsUrl] = process.argv.slice(2);
if (!databaseUrl || !sessionsDir || !whatsappWsUrl) {
  throw new Error("usage: inbound-child.ts <databaseUrl> <sessionsDir> <wsUrl>");
}

const kabar = await createKabar({
  databaseUrl,
  sessionsDir,
  whatsappWsUrl,
  settings: NO_PACING,
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  logger: pino({ level: "silent" }),
  // A process entry point, as the server's: sockets dropped on purpose must not end it.
  installProcessGuards: true,
});
const report = () => {
  if (kabar.sessions.status().state === "connected") process.stdout.write("connected\n");
};
kabar.events.on(({ event }) => {
  if (event.type === "session.state") report();
});
report();
