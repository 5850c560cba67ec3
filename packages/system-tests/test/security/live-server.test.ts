/**
 * Issue 14's findings, each tried again as the attacker did, against one live server (its own
 * process, the session linked on the simulator, TRUST_PROXY=1 as behind one reverse proxy). Rows 9
 * and 10 (first run, file modes) are in first-run.test.ts; row 1 in a real browser in
 * csrf-browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildOutbox, startChildOutbox } from "../../src/child-outbox.js";
import { callApi, linkOverRest } from "../../src/rest-client.js";
import { dataOf, logIn, openSse, trpcCall } from "../../src/security-client.js";

const PASSWORD = "security-suite-password";
const LOGIN_LIMIT = 5;
let harness: ChildOutbox;
let url: string;
let admin: Record<string, string>;
const scoped: Record<"read" | "send" | "admin", Record<string, string>> = { read: {}, send: {}, admin: {} };

async function createToken(scope: "read" | "send" | "admin", name = `${scope} app`) {
  const created = await trpcCall(url, "mutation", "tokens.create", { name, scope }, admin);
  return dataOf<{ id: string; token: string; scope: string }>(created);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const outboxCount = () => harness.db().outboxMessage.count();
const sessionState = async () =>
  (await callApi(url, "GET", "/api/admin/whatsapp-sessions/status", { headers: admin })).body as {
    state: string;
  };

beforeAll(async () => {
  harness = await startChildOutbox({
    adminPassword: PASSWORD,
    env: { TRUST_PROXY: "1", LOGIN_ATTEMPTS_PER_MINUTE: String(LOGIN_LIMIT), TEST_LOG_LEVEL: "info" },
  });
  url = harness.server.url;
  await linkOverRest(harness.server, harness.simulator);
  const login = await logIn(url, PASSWORD);
  expect(login.status).toBe(200);
  admin = { cookie: login.cookie };
  for (const scope of ["read", "send", "admin"] as const)
    scoped[scope] = bearer((await createToken(scope)).token);
});

afterAll(async () => {
  await harness?.close();
});

describe("1. cross-site requests change nothing", () => {
  it("refuses a text/plain body (a form) with 415, even with a valid token", async () => {
    const before = await outboxCount();
    const answer = await callApi(url, "POST", "/api/messages", {
      headers: { ...scoped.send, "content-type": "text/plain" },
      rawBody: JSON.stringify({ to: "6281299990000", message: "from a form" }),
    });
    expect(answer.status).toBe(415);
    expect(await outboxCount()).toBe(before);
  });

  it("refuses multipart/form-data to a no-input tRPC mutation", async () => {
    const form = new FormData();
    form.append("x", "y");
    const response = await fetch(`${url}/trpc/session.logout`, {
      method: "POST",
      headers: admin,
      body: form,
    });
    expect(response.status).toBe(415);
    expect((await sessionState()).state).toBe("connected");
  });

  it("refuses the admin cookie from another port of the same host (Origin, Sec-Fetch-Site)", async () => {
    const fromOtherPort = await callApi(url, "POST", "/api/admin/whatsapp-sessions/logout", {
      headers: { ...admin, origin: "http://127.0.0.1:4000" },
    });
    expect(fromOtherPort).toMatchObject({ status: 403, body: { error: { code: "CROSS_ORIGIN" } } });
    const sameSite = await callApi(url, "POST", "/api/admin/whatsapp-sessions/logout", {
      headers: { ...admin, "sec-fetch-site": "same-site" },
    });
    expect(sameSite.status).toBe(403);
    expect((await sessionState()).state).toBe("connected");
  });

  it("sets the admin cookie SameSite=Strict", async () => {
    const response = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(response.headers.get("set-cookie")).toMatch(/; HttpOnly; SameSite=Strict;/);
  });
});

describe("2. token scopes", () => {
  it("a send token sends and reads messages but cannot touch the session or read the QR", async () => {
    const sent = await callApi(url, "POST", "/api/messages", {
      headers: scoped.send,
      body: { to: "6281299990000", message: "Halo dari token send" },
    });
    expect(sent.status).toBe(202);
    const id = (sent.body as { id: string }).id;
    expect((await callApi(url, "GET", `/api/messages/${id}`, { headers: scoped.send })).status).toBe(200);
    for (const [method, path] of [
      ["GET", "/api/admin/whatsapp-sessions/status"],
      ["POST", "/api/admin/whatsapp-sessions/logout"],
      ["POST", "/api/admin/whatsapp-sessions/connect"],
      ["DELETE", "/api/admin/whatsapp-sessions?id=sistem_uji"],
    ] as const) {
      const answer = await callApi(url, method, path, { headers: scoped.send });
      expect({ path, status: answer.status }).toEqual({ path, status: 403 });
    }
    const pairing = await trpcCall(
      url,
      "mutation",
      "session.requestPairingCode",
      { phoneNumber: "6281234567890" },
      scoped.send,
    );
    expect(pairing.status).toBe(403);
    expect((await sessionState()).state).toBe("connected");
  });

  it("a read token reads but cannot send; an admin token manages the session", async () => {
    const before = await outboxCount();
    const refused = await callApi(url, "POST", "/api/messages", {
      headers: scoped.read,
      body: { to: "6281299990000", message: "Halo" },
    });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    expect(await outboxCount()).toBe(before);
    expect((await trpcCall(url, "query", "messages.list", {}, scoped.read)).status).toBe(200);
    const status = await callApi(url, "GET", "/api/admin/whatsapp-sessions/status", {
      headers: scoped.admin,
    });
    expect(status).toMatchObject({ status: 200, body: { state: "connected" } });
  });

  it("tokens made without a scope are send, and only admins make tokens", async () => {
    const made = dataOf<{ scope: string }>(
      await trpcCall(url, "mutation", "tokens.create", { name: "x" }, admin),
    );
    expect(made.scope).toBe("send");
    const bySend = await trpcCall(
      url,
      "mutation",
      "tokens.create",
      { name: "y", scope: "admin" },
      scoped.send,
    );
    expect(bySend.status).toBe(403);
  });
});

describe("3. open streams end with their credential", () => {
  it("a revoked token's message stream ends within 1 s", async () => {
    const token = await createToken("send", "to be revoked");
    const stream = await openSse(`${url}/trpc/messages.onStatus`, bearer(token.token));
    try {
      // An event proves the stream is live before the revoke.
      const sent = callApi(url, "POST", "/api/messages", {
        headers: scoped.send,
        body: { to: "6281299990000", message: "Halo stream" },
      });
      await stream.waitFor(/^id: /m);
      await sent;
      const revokedAt = performance.now();
      expect((await trpcCall(url, "mutation", "tokens.revoke", { id: token.id }, admin)).status).toBe(200);
      const endedAt = await stream.ended(5_000);
      expect(endedAt - revokedAt).toBeLessThan(1_000);
    } finally {
      await stream.close();
    }
    const again = await openSse(`${url}/trpc/messages.onStatus`, bearer(token.token));
    await again.waitFor(/UNAUTHORIZED/);
    await again.close();
  });

  it("a logged-out cookie's session stream (QR codes) ends within 1 s", async () => {
    const login = await logIn(url, PASSWORD);
    const stream = await openSse(`${url}/trpc/session.onStatusChange`, { cookie: login.cookie });
    try {
      await stream.waitFor(/"state":"connected"/);
      const loggedOutAt = performance.now();
      const logout = await callApi(url, "POST", "/api/auth/logout", { headers: { cookie: login.cookie } });
      expect(logout.status).toBe(200);
      const endedAt = await stream.ended(5_000);
      expect(endedAt - loggedOutAt).toBeLessThan(1_000);
    } finally {
      await stream.close();
    }
  });
});

describe("4 and 8. the login limit", () => {
  const viaProxy = (client: string, spoofed: string) => ({ "x-forwarded-for": `${spoofed}, ${client}` });

  it("counts per address the proxy saw, whatever the client wrote on the left of X-Forwarded-For", async () => {
    for (let attempt = 0; attempt < LOGIN_LIMIT; attempt += 1) {
      const wrong = await logIn(url, "wrong password", viaProxy("198.51.100.7", `10.9.9.${attempt}`));
      expect(wrong.status).toBe(401);
    }
    const limited = await logIn(url, PASSWORD, viaProxy("198.51.100.7", "10.9.9.200"));
    expect(limited.status).toBe(429);
    // Another address, and the admin on this machine, are not locked out.
    expect((await logIn(url, PASSWORD, viaProxy("198.51.100.8", "10.9.9.201"))).status).toBe(200);
    expect((await logIn(url, PASSWORD)).status).toBe(200);
  });

  it("never counts successes", async () => {
    for (let attempt = 0; attempt < LOGIN_LIMIT * 3; attempt += 1) {
      expect((await logIn(url, PASSWORD, viaProxy("198.51.100.9", "1.1.1.1"))).status).toBe(200);
    }
  });
});

describe("5. tRPC batching", () => {
  it("refuses public procedures in a batch, and batches over 20", async () => {
    const healthTwice = await callApi(
      url,
      "GET",
      `/trpc/health,health?batch=1&input=${encodeURIComponent("{}")}`,
    );
    expect(healthTwice).toMatchObject({ status: 400, body: { error: { code: "BATCH_NOT_ALLOWED" } } });
    const many = Array.from({ length: 1_800 }, () => "health").join(",");
    const startedAt = performance.now();
    const flood = await callApi(url, "GET", `/trpc/${many}?batch=1&input=${encodeURIComponent("{}")}`);
    expect(flood.status).toBe(400);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    const reads = Array.from({ length: 21 }, () => "messages.list").join(",");
    expect(
      (await callApi(url, "GET", `/trpc/${reads}?batch=1&input={}`, { headers: scoped.read })).status,
    ).toBe(400);
    const twenty = Array.from({ length: 20 }, () => "messages.list").join(",");
    const inputs = encodeURIComponent(
      JSON.stringify(Object.fromEntries(Array.from({ length: 20 }, (_, index) => [index, {}]))),
    );
    const allowed = await callApi(url, "GET", `/trpc/${twenty}?batch=1&input=${inputs}`, {
      headers: scoped.read,
    });
    expect(allowed.status).toBe(200);
    expect((await callApi(url, "GET", "/trpc/health")).status).toBe(200);
  });
});

describe("6. a broken cookie", () => {
  it("is treated as absent on every route, /health and login included", async () => {
    const broken = { cookie: "kabar_session=%ff" };
    expect((await callApi(url, "GET", "/health", { headers: broken })).status).toBe(200);
    expect((await logIn(url, PASSWORD, broken)).status).toBe(200);
    expect((await callApi(url, "GET", "/api/messages/x", { headers: broken })).status).toBe(401);
    expect((await trpcCall(url, "query", "auth.me", undefined, broken)).status).toBe(401);
  });
});

describe("7 and 13. webhooks are no port scanner", () => {
  it("refuses loopback, the simulator, link-local metadata and private receivers, and user:pass@", async () => {
    for (const target of [
      `${harness.simulator.controlUrl}/faults/drop`,
      "http://169.254.169.254/latest/meta-data/",
      "http://localhost:3000/",
      "http://192.168.1.1/",
      "http://[::1]/",
    ]) {
      const answer = await trpcCall(url, "mutation", "webhooks.create", { url: target }, admin);
      expect({ target, status: answer.status, text: answer.text }).toMatchObject({
        target,
        status: 400,
        text: expect.stringContaining("non-public address"),
      });
    }
    const withCredentials = await trpcCall(
      url,
      "mutation",
      "webhooks.create",
      { url: "https://hookuser:s3cr3t-webhook-pass@hooks.example.com/in" },
      admin,
    );
    expect(withCredentials).toMatchObject({ status: 400, text: expect.stringContaining("user:password@") });
    expect(withCredentials.text).not.toContain("s3cr3t-webhook-pass");
    expect(await harness.db().webhookEndpoint.count()).toBe(0);
    const logged = JSON.stringify(harness.server.lines);
    expect(logged).toContain("webhooks.create");
    expect(logged).not.toContain("s3cr3t-webhook-pass");
  });
});

describe("11. security headers", () => {
  it("the panel (and every answer) carries CSP, X-Frame-Options, Referrer-Policy, nosniff", async () => {
    for (const path of ["/", "/login", "/health"]) {
      const response = await fetch(`${url}${path}`);
      await response.body?.cancel();
      expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});

describe("12. the simulator's control API", () => {
  it("refuses text/plain, foreign Origins and non-loopback Hosts before any route runs", async () => {
    const control = harness.simulator.controlUrl;
    const before = harness.simulator.state().devices.length;
    const form = await fetch(`${control}/phone/logout`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(form.status).toBe(415);
    const foreign = await fetch(`${control}/phone/logout`, {
      method: "POST",
      headers: { origin: "http://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(harness.simulator.state().devices.length).toBe(before);
    expect((await sessionState()).state).toBe("connected");
  });
});

describe("14. message limits as WhatsApp counts them", () => {
  it("accepts 4,096 emoji, refuses 4,097 characters and whitespace-only text, naming message", async () => {
    const send = (message: string) =>
      callApi(url, "POST", "/api/messages", { headers: scoped.send, body: { to: "6281299990000", message } });
    const before = await outboxCount();
    expect((await send("🏃".repeat(4_096))).status).toBe(202);
    for (const message of [`${"🏃".repeat(4_096)}!`, "   ", "\n\t"]) {
      const answer = await send(message);
      expect(answer).toMatchObject({ status: 400, body: { error: { field: "message" } } });
    }
    expect(await outboxCount()).toBe(before + 1);
  });
});
