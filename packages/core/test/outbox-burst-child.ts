/**
 * The process the kill -9 test kills: it opens Kabar on the folder and database it is given,
 * queues a burst and keeps sending until it is killed. Prints "queued" once every message is stored.
 */
import { pino } from "pino";
import { createKabar } from "../src/create-kabar.js";
import { burstRecipient, NO_PACING } from "./outbox-burst.js";

const [databaseUrl, sessionsDir, whatsappWsUrl, countText] = process.argv.slice(2);
if (!databaseUrl || !sessionsDir || !whatsappWsUrl || !countText) {
  throw new Error("usage: outbox-burst-child.ts <databaseUrl> <sessionsDir> <wsUrl> <count>");
}

const kabar = await createKabar({
  databaseUrl,
  sessionsDir,
  whatsappWsUrl,
  settings: NO_PACING,
  ackTimeoutMs: 3_000,
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  logger: pino({ level: "silent" }),
  installProcessGuards: true,
});
for (let index = 0; index < Number(countText); index += 1) {
  await kabar.messages.send({
    to: burstRecipient(index),
    message: `Burst #${index}`,
    idempotencyKey: `burst-${index}`,
  });
}
process.stdout.write("queued\n");
