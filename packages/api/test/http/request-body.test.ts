/**
 * How a JSON body reaches a route, whatever way the client's bytes arrive: with the headers in one
 * packet, after them in pieces, or never (the client goes away half-way).
 */
import net from "node:net";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../support/http.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

let api: TestApi;
let port: number;
let token: string;

beforeAll(async () => {
  api = await createTestApi();
  port = Number(new URL(await api.listen()).port);
  token = (await api.deps.auth.createToken("tests", "send")).token;
});
afterAll(() => api.cleanup());

function postHead(body: string, contentLength = Buffer.byteLength(body)): string {
  return [
    "POST /api/messages HTTP/1.1",
    "host: localhost",
    `authorization: Bearer ${token}`,
    "content-type: application/json",
    `content-length: ${contentLength}`,
    "connection: close",
    "",
    "",
  ].join("\r\n");
}

/** Writes the pieces one by one, each once the previous one has left, and reads the whole answer. */
async function exchange(pieces: string[]): Promise<{ status: number; body: unknown }> {
  const socket = net.connect(port, "127.0.0.1");
  await once(socket, "connect");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = once(socket, "end");
  for (const piece of pieces) {
    await new Promise<void>((resolve, reject) =>
      socket.write(piece, (error) => (error ? reject(error) : resolve())),
    );
    // a client that sends its body in parts: the server reads each as its own packet
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await ended;
  const text = Buffer.concat(chunks).toString("utf8");
  const [head = "", body = ""] = text.split("\r\n\r\n");
  // JSON answers carry a content-length: the body is the rest, as is
  return { status: Number(head.split(" ")[1]), body: JSON.parse(body) };
}

async function queuedTexts(): Promise<string[]> {
  return (await api.kabar.messages.list({ limit: 100 })).items.map((message) => message.text ?? "");
}

describe("POST /api/messages reads its body", () => {
  it("sent with the headers in one packet", async () => {
    const body = JSON.stringify({ to: "081234567890", message: "satu paket" });
    const answer = await exchange([postHead(body) + body]);
    expect(answer).toMatchObject({ status: 202, body: { status: "queued" } });
    expect(await queuedTexts()).toContain("satu paket");
  });

  it("sent after the headers, in several parts", async () => {
    const body = JSON.stringify({ to: "081234567890", message: "beberapa bagian" });
    const answer = await exchange([postHead(body), body.slice(0, 10), body.slice(10, 25), body.slice(25)]);
    expect(answer).toMatchObject({ status: 202, body: { status: "queued" } });
    expect(await queuedTexts()).toContain("beberapa bagian");
  });

  it("a client that goes away half-way queues nothing, and the server serves the next request", async () => {
    const before = await queuedTexts();
    const body = JSON.stringify({ to: "081234567890", message: "tidak pernah lengkap" });
    const socket = net.connect(port, "127.0.0.1");
    await once(socket, "connect");
    socket.write(postHead(body) + body.slice(0, 12));
    socket.destroy();
    await once(socket, "close");
    const next = await request(`http://127.0.0.1:${port}`, "POST", "/api/messages", {
      token,
      body: { to: "081234567890", message: "berikutnya" },
    });
    expect(next.status).toBe(202);
    expect((await queuedTexts()).sort()).toEqual([...before, "berikutnya"].sort());
  });
});
