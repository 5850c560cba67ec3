/**
 * An unwritable wa_sessions/ reaches the session status: the port's "storage" event sets
 * storageProblem, publishes it on the event bus like every other change, and clears it again.
 */
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import type { SessionStatus } from "../src/contract.js";
import { InMemoryEventBus } from "../src/events/event-bus.js";
import { createSessionManager, type SessionManager } from "../src/session/session-manager.js";
import { FakeWhatsAppPort } from "../src/whatsapp/fake-whatsapp-port.js";
import { createTempKabarDir, type TempKabarDir } from "./support/temp-kabar-dir.js";

let temp: TempKabarDir | null = null;
let manager: SessionManager | null = null;
afterEach(async () => {
  await manager?.close();
  manager = null;
  await temp?.close();
  temp = null;
});

it("sets storageProblem from the port's storage event, publishes it, and clears it once writes land", async () => {
  temp = await createTempKabarDir();
  const port = new FakeWhatsAppPort();
  const events = new InMemoryEventBus();
  manager = createSessionManager({
    db: temp.db,
    port,
    sessionsDir: temp.sessionsDir,
    events,
    logger: pino({ level: "silent" }),
  });
  await manager.start();
  await manager.create({ name: "Main", sessionId: "main_session" });
  expect(manager.status().storageProblem).toBeNull();

  const published: SessionStatus[] = [];
  events.on(({ event }) => {
    if (event.type === "session.state") published.push(event.status);
  });
  const problem = "/srv/wa_sessions/main_session refuses writes (EROFS): keeping the key updates in memory";
  // Another session's folder is not ours to report.
  port.emit("storage", { sessionId: "someone_else", problem });
  expect(published).toHaveLength(0);

  port.emit("storage", { sessionId: "main_session", problem });
  expect(manager.status().storageProblem).toBe(problem);
  // The same report again changes nothing, so it publishes nothing.
  port.emit("storage", { sessionId: "main_session", problem });
  port.emit("storage", { sessionId: "main_session", problem: null });
  expect(manager.status().storageProblem).toBeNull();
  expect(published.map((status) => status.storageProblem)).toEqual([problem, null]);
});
