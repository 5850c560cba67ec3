/**
 * The seed's session endpoints on core's real createKabar (database, one-session rule, the real
 * WhatsApp library against the simulator): the status codes and messages come from core's own
 * errors, and bad input leaves the WhatsAppSession table as it was.
 */
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Kabar } from "../../src/kabar.js";
import { simulatedKabar } from "../../src/testing/start-test-server.js";
import { request } from "../support/http.js";
import { createTestApi, type TestApi } from "../support/test-api.js";
import { seedSessionBody as seedBody } from "../support/seed.js";

let simulator: WhatsAppSimulator;
let api: TestApi<Kabar>;
let baseUrl: string;
let token: string;
const call = (method: string, path: string, body?: unknown) =>
  request(baseUrl, method, path, body === undefined ? { token } : { token, body });
const rows = () =>
  api.db.whatsAppSession.findMany({ select: { id: true, name: true, sessionId: true, description: true } });

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  api = await createTestApi<Kabar>({
    kabar: simulatedKabar(simulator),
  });
  baseUrl = await api.listen();
  token = (await api.deps.auth.createToken("seed scripts", "admin")).token;
}, 60_000);

afterAll(async () => {
  await api?.cleanup();
  await simulator?.close();
});

it("POST 201, GET, second POST 409, PUT, DELETE of the default refused — checked in the database", async () => {
  const created = await call("POST", "/api/admin/whatsapp-sessions", seedBody);
  expect(created).toMatchObject({
    status: 201,
    // The seed's body writes the number with "+": stored as international digits, like a recipient.
    body: { session: { sessionId: "panitia_lari", isDefault: true, phoneNumber: "6285117132297" } },
  });
  const { session } = created.body as { session: { id: string } };
  expect((await call("GET", "/api/admin/whatsapp-sessions")).body).toMatchObject({
    sessions: [{ id: session.id }],
  });

  const second = await call("POST", "/api/admin/whatsapp-sessions", {
    ...seedBody,
    name: "Lain",
    sessionId: "lain",
  });
  expect(second).toMatchObject({ status: 409, body: { error: { code: "SESSION_ALREADY_EXISTS" } } });
  expect((second.body as { error: { message: string } }).error.message).toContain("Panitia Lari Jakarta");

  const updated = await call("PUT", "/api/admin/whatsapp-sessions", {
    ...seedBody,
    id: session.id,
    description: "Baru",
  });
  expect(updated).toMatchObject({ status: 200, body: { session: { description: "Baru" } } });

  const before = await rows();
  const refused = await call("DELETE", `/api/admin/whatsapp-sessions?id=${session.id}`);
  expect(refused).toMatchObject({ status: 400, body: { error: { code: "DEFAULT_SESSION_UNDELETABLE" } } });
  // The seed's example passes the sessionId (?id={sessionId}): the same refusal, with its message.
  const bySessionId = await call("DELETE", "/api/admin/whatsapp-sessions?id=panitia_lari");
  expect(bySessionId).toMatchObject({
    status: 400,
    body: {
      error: {
        code: "DEFAULT_SESSION_UNDELETABLE",
        message: expect.stringContaining('"Panitia Lari Jakarta" is the default session and cannot be deleted'),
      },
    },
  });
  expect(await call("DELETE", "/api/admin/whatsapp-sessions?id=lain")).toMatchObject({
    status: 404,
    body: { error: { code: "SESSION_NOT_FOUND" } },
  });
  for (const [method, body, field] of [
    ["POST", { ...seedBody, sessionId: "Bad Id" }, "sessionId"],
    ["PUT", { id: session.id, phoneNumber: "+62 812" }, "phoneNumber"],
    ["PUT", { id: session.id, isActive: "ya" }, "isActive"],
  ] as const) {
    const response = await call(method, "/api/admin/whatsapp-sessions", body);
    expect(response, field).toMatchObject({ status: 400, body: { error: { field } } });
  }
  expect(await rows()).toEqual(before);
}, 60_000);

it("connect gives a QR with its expiry in /status; logout ends it", async () => {
  const connected = await call("POST", "/api/admin/whatsapp-sessions/connect");
  expect(connected.status).toBe(200);
  const waiting = await api.kabar.events.subscribe({ lastEventId: "0" });
  for await (const { event } of waiting) {
    if (event.type === "session.state" && event.status.state === "waiting_qr") break;
  }
  const status = await call("GET", "/api/admin/whatsapp-sessions/status");
  expect(status.body).toMatchObject({
    state: "waiting_qr",
    qr: { value: expect.any(String), expiresAt: expect.any(String) },
  });
  const loggedOut = await call("POST", "/api/admin/whatsapp-sessions/logout");
  expect(loggedOut.status).toBe(200);
}, 60_000);
