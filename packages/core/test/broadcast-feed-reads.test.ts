/**
 * The broadcast feeder looks for running broadcasts when a message leaves the queue — but only while
 * one may be running. Before, every "sent" of every single message read the broadcasts table: one
 * more database call on the path of the next message (BENCHMARKS.md, figure 8). A broadcast started
 * after such quiet sends must still be fed to the end.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, migrateDatabase, type PrismaClient } from "@kabar/db";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Kabar } from "../src/contract.js";
import { createKabar } from "../src/create-kabar.js";
import { FakeWhatsAppPort } from "../src/whatsapp/fake-whatsapp-port.js";
import { broadcastReaches, chunksOf, connected, participantsCsv } from "./broadcast-helpers.js";
import { NO_PACING } from "./outbox-harness.js";

let dir = "";
let kabar: Kabar | null = null;
let base: PrismaClient | null = null;
afterEach(async () => {
  await kabar?.close();
  kabar = null;
  await base?.$disconnect();
  base = null;
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

describe("broadcast feeder reads", { timeout: 60_000 }, () => {
  it("reads no broadcast for single sends while none runs, and still feeds one started afterwards", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "kabar-feed-reads-"));
    const databaseUrl = `file:${path.join(dir, "kabar.db")}`;
    await migrateDatabase(databaseUrl);
    base = createDatabase(databaseUrl);
    let broadcastReads = 0;
    const db = base.$extends({
      query: {
        broadcast: {
          async findMany({ args, query }) {
            broadcastReads += 1;
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    const port = new FakeWhatsAppPort();
    const running = await createKabar({
      databaseUrl,
      db,
      sessionsDir: path.join(dir, "wa_sessions"),
      port,
      settings: NO_PACING,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    });
    kabar = running;
    await connected(port, running);

    // the start-up look at running broadcasts has happened once the first send is through
    await running.messages.send({ to: "081234567890", message: "warm-up" }, { waitFor: "sent" });
    const readsBefore = broadcastReads;
    for (let index = 0; index < 5; index += 1) {
      await running.messages.send({ to: "081234567890", message: `single ${index}` }, { waitFor: "sent" });
    }
    expect(broadcastReads - readsBefore).toBe(0);

    const created = await running.broadcasts.create(
      { name: "After quiet sends", template: "Halo {nama}", start: true },
      chunksOf(participantsCsv(5)),
    );
    const done = await broadcastReaches(
      running,
      created.id,
      (progress) => progress.broadcast.status === "completed",
    );
    expect(done.counts.sent + done.counts.delivered + done.counts.read).toBe(5);
    expect(port.sends.filter((send) => send.text?.startsWith("Halo Peserta")).length).toBe(5);
  });
});
