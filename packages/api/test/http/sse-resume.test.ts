/** Over real HTTP: a client that comes back with Last-Event-ID gets exactly the events it missed. */
import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../support/test-api.js";

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(() => api.cleanup());

/** Reads SSE frames until `count` data events with an id have arrived. */
async function readEvents(response: Response, count: number): Promise<{ id: string; data: string }[]> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  const events: { id: string; data: string }[] = [];
  let buffer = "";
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const frames = buffer.split("\n\n");
    buffer = frames.pop() ?? "";
    for (const frame of frames) {
      const id = /^id: ?(.*)$/m.exec(frame)?.[1];
      const data = /^data: ?(.*)$/m.exec(frame)?.[1];
      if (id && data) events.push({ id, data });
    }
  }
  await reader.cancel();
  return events;
}

it("session.onStatusChange resumes after Last-Event-ID", async () => {
  const url = await api.listen();
  const { token } = await api.deps.auth.createToken("sse", "admin");
  await api.admin().session.create({ name: "Panitia", sessionId: "panitia" });
  await api.app(undefined, "admin").session.connect(); // waiting_qr
  await api.app(undefined, "admin").session.refreshQr(); // a new QR
  api.kabar.scan(); // connected

  const all = await fetch(`${url}/trpc/session.onStatusChange?lastEventId=0`, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
  });
  const [qr, refreshed, connected] = await readEvents(all, 3);
  expect([qr, refreshed, connected].map((event) => JSON.parse(event?.data ?? "{}").state)).toEqual([
    "waiting_qr",
    "waiting_qr",
    "connected",
  ]);

  const resumed = await fetch(`${url}/trpc/session.onStatusChange`, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream", "last-event-id": qr?.id ?? "" },
  });
  expect(await readEvents(resumed, 2)).toEqual([refreshed, connected]);
});

it("a Last-Event-ID the server no longer holds gets the current state, or a resync for messages", async () => {
  const url = await api.listen();
  const { token } = await api.deps.auth.createToken("sse", "admin");
  await api.admin().session.create({ name: "Panitia", sessionId: "panitia" });
  await api.app(undefined, "admin").session.connect(); // waiting_qr
  api.kabar.scan(); // connected
  // An id from before a restart (or evicted by count or age) names nothing the bus still holds.
  const headers = { authorization: `Bearer ${token}`, accept: "text/event-stream", "last-event-id": "mx0-7" };

  const session = await fetch(`${url}/trpc/session.onStatusChange`, { headers });
  const [current] = await readEvents(session, 1);
  expect(JSON.parse(current?.data ?? "{}").state).toBe("connected");

  const messages = await fetch(`${url}/trpc/messages.onStatus`, { headers });
  const [resync] = await readEvents(messages, 1);
  expect(JSON.parse(resync?.data ?? "{}")).toEqual({ resync: true });
  // Resuming from the resync's id misses nothing that comes after it.
  expect(resync?.id).toBe(current?.id);
});
