import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../support/test-api.js";
import { request } from "../support/http.js";
import { seedSessionBody as seedBody } from "../support/seed.js";

let api: TestApi;
let baseUrl: string;
let token: string;
const call = (method: string, path: string, body?: unknown) =>
  request(baseUrl, method, path, body === undefined ? { token } : { token, body });

beforeEach(async () => {
  api = await createTestApi();
  baseUrl = await api.listen();
  token = (await api.deps.auth.createToken("seed scripts", "admin")).token;
});
afterEach(() => api.cleanup());

describe("/api/admin/whatsapp-sessions as the seed documents it", () => {
  it("POST creates (201), GET lists, a second POST is 409 with a message", async () => {
    const created = await call("POST", "/api/admin/whatsapp-sessions", seedBody);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      session: { name: seedBody.name, sessionId: "panitia_lari", isDefault: true },
    });
    const listed = await call("GET", "/api/admin/whatsapp-sessions");
    expect(listed).toMatchObject({ status: 200, body: { sessions: [{ sessionId: "panitia_lari" }] } });

    const second = await call("POST", "/api/admin/whatsapp-sessions", {
      ...seedBody,
      name: "B",
      sessionId: "b_session",
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      error: { code: "SESSION_ALREADY_EXISTS", message: expect.stringContaining("Only one") },
    });
  });

  it("PUT updates with the same body plus id", async () => {
    const created = await call("POST", "/api/admin/whatsapp-sessions", seedBody);
    const { session } = created.body as { session: { id: string } };
    const updated = await call("PUT", "/api/admin/whatsapp-sessions", {
      ...seedBody,
      id: session.id,
      description: "Baru",
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { session: { id: session.id, description: "Baru" } },
    });
  });

  it("DELETE ?id= refuses the default session with a message; a missing id names the field", async () => {
    const created = await call("POST", "/api/admin/whatsapp-sessions", seedBody);
    const { session } = created.body as { session: { id: string } };
    const refused = await call("DELETE", `/api/admin/whatsapp-sessions?id=${session.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: "DEFAULT_SESSION_UNDELETABLE" } });
    const missing = await call("DELETE", "/api/admin/whatsapp-sessions");
    expect(missing).toMatchObject({ status: 400, body: { error: { code: "INVALID_INPUT", field: "id" } } });
    expect((await call("GET", "/api/admin/whatsapp-sessions")).body).toMatchObject({
      sessions: [{ id: session.id }],
    });
  });

  it("status, connect (QR or pairing code) and logout for non-TypeScript callers", async () => {
    await call("POST", "/api/admin/whatsapp-sessions", seedBody);
    const qr = await call("POST", "/api/admin/whatsapp-sessions/connect");
    expect(qr).toMatchObject({
      status: 200,
      body: { state: "waiting_qr", qr: { value: expect.any(String) } },
    });
    const status = await call("GET", "/api/admin/whatsapp-sessions/status");
    expect(status.body).toMatchObject({
      state: "waiting_qr",
      qr: { expiresAt: expect.any(String) },
      lastDisconnectReason: null,
    });
    const pairing = await call("POST", "/api/admin/whatsapp-sessions/connect", {
      phoneNumber: "6281234567890",
    });
    expect(pairing.body).toMatchObject({ state: "waiting_pairing_code", pairingCode: { code: "ABCD-EFGH" } });
    const loggedOut = await call("POST", "/api/admin/whatsapp-sessions/logout");
    expect(loggedOut.body).toMatchObject({ state: "logged_out" });
  });

  it("take-over ('use this server') reconnects a replaced session; without a token it is 401 and changes nothing", async () => {
    await call("POST", "/api/admin/whatsapp-sessions", seedBody);
    api.kabar.refuse("replaced", "Connection replaced");
    const anonymous = await request(baseUrl, "POST", "/api/admin/whatsapp-sessions/take-over");
    expect(anonymous.status).toBe(401);
    expect(api.kabar.sessions.status().state).toBe("replaced");
    const taken = await call("POST", "/api/admin/whatsapp-sessions/take-over");
    expect(taken).toMatchObject({ status: 200, body: { state: "connected" } });
    expect(await api.admin().session.status()).toMatchObject({ state: "connected" });
  });
});

describe("/api/messages", () => {
  it("POST queues (202 {id, status}); GET /:id returns it; an unknown id is 404", async () => {
    const sent = await call("POST", "/api/messages", {
      to: "+62 812-3456-7890",
      message: "Pendaftaran dikonfirmasi",
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ id: expect.any(String), status: "queued" });
    const { id } = sent.body as { id: string };
    const got = await call("GET", `/api/messages/${id}`);
    expect(got).toMatchObject({
      status: 200,
      body: { id, to: "6281234567890", text: "Pendaftaran dikonfirmasi" },
    });
    const missing = await call("GET", "/api/messages/nope");
    expect(missing).toMatchObject({ status: 404, body: { error: { code: "MESSAGE_NOT_FOUND" } } });
  });

  it("the same idempotencyKey queues once", async () => {
    const body = { to: "081234567890", message: "Halo", idempotencyKey: "bib-1001" };
    const first = await call("POST", "/api/messages", body);
    const second = await call("POST", "/api/messages", body);
    expect(second.body).toEqual(first.body);
  });
});
