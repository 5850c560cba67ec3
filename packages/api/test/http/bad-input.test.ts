/** Bad input to every route: a 4xx naming the field, and nothing changed. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../support/http.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

let api: TestApi;
let baseUrl: string;
let token: string;
let sessionId: string;

beforeAll(async () => {
  api = await createTestApi({ env: { MAX_BODY_BYTES: "2048" } });
  baseUrl = await api.listen();
  token = (await api.deps.auth.createToken("tests", "admin")).token;
  sessionId = (await api.admin().session.create({ name: "Panitia", sessionId: "panitia" })).id;
});
afterAll(() => api.cleanup());

async function snapshot() {
  return {
    sessions: await api.kabar.sessions.list(),
    state: api.kabar.sessions.status().state,
    messages: (await api.kabar.messages.list({ limit: 100 })).items.map(({ id, status }) => ({ id, status })),
    outbox: api.kabar.outbox.state(),
    onWhatsApp: await api.kabar.onWhatsApp.list(),
    tokens: await api.db.apiToken.count(),
    adminSessions: await api.db.adminSession.count(),
    webhooks: await api.db.webhookEndpoint.count(),
  };
}

const cases: {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  field?: string;
  status?: number;
}[] = [
  {
    name: "session without name",
    method: "POST",
    path: "/api/admin/whatsapp-sessions",
    body: { sessionId: "abc" },
    field: "name",
  },
  {
    name: "session with a bad sessionId",
    method: "POST",
    path: "/api/admin/whatsapp-sessions",
    body: { name: "X", sessionId: "Bad Id" },
    field: "sessionId",
  },
  {
    name: "session with isActive as text",
    method: "POST",
    path: "/api/admin/whatsapp-sessions",
    body: { name: "X", sessionId: "abc", isActive: "yes" },
    field: "isActive",
  },
  {
    name: "session with a bad phoneNumber",
    method: "POST",
    path: "/api/admin/whatsapp-sessions",
    body: { name: "X", sessionId: "abc", phoneNumber: "+62 812" },
    field: "phoneNumber",
  },
  {
    name: "update without id",
    method: "PUT",
    path: "/api/admin/whatsapp-sessions",
    body: { name: "Y" },
    field: "id",
  },
  {
    name: "update with a number as name",
    method: "PUT",
    path: "/api/admin/whatsapp-sessions",
    body: { id: "x", name: 5 },
    field: "name",
  },
  { name: "delete without ?id", method: "DELETE", path: "/api/admin/whatsapp-sessions", field: "id" },
  {
    name: "connect with a numeric phoneNumber",
    method: "POST",
    path: "/api/admin/whatsapp-sessions/connect",
    body: { phoneNumber: 62812 },
    field: "phoneNumber",
  },
  { name: "message without to", method: "POST", path: "/api/messages", body: { message: "hi" }, field: "to" },
  {
    name: "message with empty text",
    method: "POST",
    path: "/api/messages",
    body: { to: "0812345678", message: "" },
    field: "message",
  },
  {
    name: "message with a numeric idempotencyKey",
    method: "POST",
    path: "/api/messages",
    body: { to: "0812345678", message: "x", idempotencyKey: 7 },
    field: "idempotencyKey",
  },
  { name: "message as an array", method: "POST", path: "/api/messages", body: [], status: 400 },
  { name: "a malformed escape in the path", method: "GET", path: "/api/messages/%E0%A4%A", status: 400 },
  { name: "message id too long", method: "GET", path: `/api/messages/${"x".repeat(101)}`, field: "id" },
  { name: "inbound with limit 0", method: "GET", path: "/api/messages/inbound?limit=0", field: "limit" },
  { name: "inbound with limit not a number", method: "GET", path: "/api/messages/inbound?limit=ten", field: "limit" },
  { name: "login without password", method: "POST", path: "/api/auth/login", body: {}, field: "password" },
  {
    name: "cancel with an id too long",
    method: "POST",
    path: `/api/messages/${"x".repeat(101)}/cancel`,
    field: "id",
  },
  {
    name: "pause with a reason as a number",
    method: "POST",
    path: "/api/outbox/pause",
    body: { reason: 5 },
    field: "reason",
  },
  {
    name: "pause with an empty reason",
    method: "POST",
    path: "/api/outbox/pause",
    body: { reason: " " },
    field: "reason",
  },
  {
    name: "pause with an unknown field",
    method: "POST",
    path: "/api/outbox/pause",
    body: { until: "tomorrow" },
    status: 400,
  },
  {
    name: "pause with a body that is not an object",
    method: "POST",
    path: "/api/outbox/pause",
    body: "now",
    status: 400,
  },
  {
    name: "pause with invalid JSON",
    method: "POST",
    path: "/api/outbox/pause",
    rawBody: "{reason",
    status: 400,
  },
  {
    name: "clearing an on-WhatsApp answer with a number too long",
    method: "DELETE",
    path: `/api/on-whatsapp/${"1".repeat(40)}`,
    field: "number",
  },
  { name: "invalid JSON", method: "POST", path: "/api/messages", rawBody: "{to:", status: 400 },
  {
    name: "a body over the limit",
    method: "POST",
    path: "/api/messages",
    body: { to: "0812345678", message: "x".repeat(4000) },
    status: 413,
  },
];

describe("REST", () => {
  it.each(cases)("$name", async ({ method, path, body, rawBody, field, status }) => {
    const before = await snapshot();
    const options = {
      token,
      ...(body === undefined ? {} : { body }),
      ...(rawBody === undefined ? {} : { rawBody }),
    };
    const response = await request(baseUrl, method, path, options);
    expect(response.status).toBe(status ?? 400);
    const error = (response.body as { error: { code: string; message: string; field?: string } }).error;
    expect(error.message).not.toMatch(/^\[|"code":/); // readable, not zod's JSON
    if (field) {
      expect(error.field).toBe(field);
      expect(error.message).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("answers a body of several MB with a 413 the client can read, not a reset", async () => {
    const before = await snapshot();
    const response = await fetch(`${baseUrl}/api/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ to: "0812345678", message: "x".repeat(3 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(await snapshot()).toEqual(before);
  });
});

describe("tRPC", () => {
  it("every procedure with input answers bad input with BAD_REQUEST naming the field, and changes nothing", async () => {
    const before = await snapshot();
    const admin = api.admin();
    const attempts: [Promise<unknown>, string][] = [
      [admin.session.create({ name: "", sessionId: "abc" }), "name"],
      [admin.session.update({ id: sessionId, sessionId: "NO" }), "sessionId"],
      [admin.session.delete({ id: "" }), "id"],
      [admin.session.connect({ phoneNumber: "" }), "phoneNumber"],
      [admin.session.requestPairingCode({ phoneNumber: "" }), "phoneNumber"],
      [admin.messages.send({ to: "0812345678", message: "x".repeat(5000) }), "message"],
      [admin.messages.list({ limit: 1000 }), "limit"],
      [admin.messages.get({ id: "" }), "id"],
      [admin.messages.inbound({ limit: 0 }), "limit"],
      [admin.messages.resend({ id: "" }), "id"],
      [admin.messages.cancel({ id: "" }), "id"],
      [admin.outbox.pause({ reason: "" }), "reason"],
      [admin.onWhatsApp.clear({ number: "" }), "number"],
      [admin.tokens.create({ name: " " }), "name"],
      [admin.tokens.revoke({ id: "" }), "id"],
      [admin.settings.update({ defaultCountry: "Indonesia" }), "defaultCountry"],
      [admin.auth.login({ password: "" }), "password"],
      [admin.auth.setup({ password: "short" }), "password"],
      [admin.webhooks.create({ url: "ftp://example.com" }), "url"],
      [admin.webhooks.deliveries({ limit: 0 }), "limit"],
    ];
    for (const [attempt, field] of attempts) {
      const error = await attempt.then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error, field).toMatchObject({ code: "BAD_REQUEST" });
      const message = error instanceof Error ? error.message : "";
      expect(message, field).toContain(field);
      expect(message, field).not.toMatch(/^\[|"code":/);
    }
    expect(await snapshot()).toEqual(before);
  });
});
