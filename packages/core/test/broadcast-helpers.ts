/** Shared by the broadcast tests: participant lists and waiting on a broadcast's progress. */
import type { BroadcastProgress, Kabar } from "../src/contract.js";
import type { FakeWhatsAppPort } from "../src/whatsapp/fake-whatsapp-port.js";
import { nextEvent } from "./outbox-harness.js";

/** Valid Indonesian mobile numbers, distinct per index: 0812 7700 0000 + index. */
export function participantPhone(index: number): string {
  return `6281277${String(index).padStart(6, "0")}`;
}

export async function* chunksOf(text: string, size = 8192): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** A CSV of `count` participants, `;` separated with a BOM, as Excel in Indonesian writes it. */
export function participantsCsv(count: number, row?: (index: number) => string[] | null): string {
  const lines = ["\uFEFFnama;No. HP;bib;kategori"];
  for (let index = 0; index < count; index += 1) {
    const custom = row?.(index);
    lines.push(
      (custom ?? [`Peserta ${index}`, `0${participantPhone(index).slice(2)}`, `B${index}`, "10K"]).join(";"),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** Resolves with the first progress matching, the current one included; checked after every change. */
export function broadcastReaches(
  kabar: Kabar,
  id: string,
  matches: (progress: BroadcastProgress) => boolean,
  timeoutMs = 20_000,
  /** Also check after every message event; off for big lists, whose completion onChange announces. */
  isWatchingMessages = true,
): Promise<BroadcastProgress> {
  return new Promise((resolve, reject) => {
    let isDone = false;
    let checking = false;
    let again = false;
    let last: BroadcastProgress | null = null;
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `broadcast did not reach the awaited progress in ${timeoutMs} ms: ${JSON.stringify(last?.counts)} ${last?.broadcast.status}`,
          ),
        ),
      timeoutMs,
    );
    const offChange = kabar.broadcasts.onChange(() => void check());
    const offEvents = kabar.events.on(({ event }) => {
      if (isWatchingMessages && event.type === "message.status") void check();
    });
    function finish(error: Error | null, progress?: BroadcastProgress): void {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      offChange();
      offEvents();
      if (error) reject(error);
      else if (progress) resolve(progress);
    }
    async function check(): Promise<void> {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          last = await kabar.broadcasts.get({ id });
          if (matches(last)) finish(null, last);
        } while (again && !isDone);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      } finally {
        checking = false;
      }
    }
    void check();
  });
}

export async function collect(lines: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const line of lines) text += line;
  return text;
}

/** Creates the session when there is none, connects, and lets the fake port open it. */
export async function connected(port: FakeWhatsAppPort, running: Kabar): Promise<void> {
  if ((await running.sessions.get()) === null) {
    await running.sessions.create({ name: "Panitia Lari", sessionId: "panitia_lari" });
  }
  const open = nextEvent(
    running.events,
    (event) => event.type === "session.state" && event.status.state === "connected",
  );
  await running.sessions.connect();
  port.emit("open", { sessionId: "panitia_lari", linkedNumber: "6281200000000" });
  await open;
}
