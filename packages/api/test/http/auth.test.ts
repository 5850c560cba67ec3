import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, ADMIN_PASSWORD, type TestApi } from "../support/test-api.js";
import { request } from "../support/http.js";

let api: TestApi;
let baseUrl: string;
beforeEach(async () => {
  api = await createTestApi();
  baseUrl = await api.listen();
});
afterEach(() => api.cleanup());

function cookieOf(setCookie: string | null): string {
  const value = setCookie?.split(";")[0];
  if (!value) throw new Error("no Set-Cookie");
  return value;
}

describe("admin login", () => {
  it("sets an HttpOnly SameSite=Strict cookie; the database keeps only its sha256", async () => {
    const response = await request(baseUrl, "POST", "/api/auth/login", {
      body: { password: ADMIN_PASSWORD },
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^kabar_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    expect(setCookie).not.toContain("Secure");
    const cookie = cookieOf(setCookie);
    const stored = await api.db.adminSession.findMany({ select: { tokenHash: true } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]?.tokenHash).not.toContain(cookie.split("=")[1]);

    const me = await request(baseUrl, "GET", "/trpc/auth.me", { cookie });
    expect(me.body).toMatchObject({ result: { data: { kind: "admin", username: "admin" } } });
    const status = await request(baseUrl, "GET", "/api/admin/whatsapp-sessions/status", { cookie });
    expect(status.status).toBe(200);

    const logout = await request(baseUrl, "POST", "/api/auth/logout", { cookie });
    expect(logout.status).toBe(200);
    expect(logout.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await request(baseUrl, "GET", "/api/admin/whatsapp-sessions/status", { cookie })).status).toBe(
      401,
    );
  });

  it("a wrong password is 401 with a message; the admin hash never leaves the server", async () => {
    const response = await request(baseUrl, "POST", "/api/auth/login", {
      body: { password: "wrong password" },
    });
    expect(response).toMatchObject({
      status: 401,
      body: { error: { code: "UNAUTHORIZED", message: "Wrong password." } },
    });
    expect(JSON.stringify(response.body)).not.toContain("argon2");
  });

  it("rate-limits attempts per address: the 11th in a minute is 429 with Retry-After", async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const response = await request(baseUrl, "POST", "/api/auth/login", { body: { password: "guess" } });
      expect(response.status).toBe(401);
    }
    const limited = await request(baseUrl, "POST", "/api/auth/login", { body: { password: ADMIN_PASSWORD } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: { code: "TOO_MANY_REQUESTS" } });
  });

  it("sets Secure on the cookie when COOKIE_SECURE=true", async () => {
    const secure = await createTestApi({ env: { COOKIE_SECURE: "true" } });
    try {
      await secure.admin().auth.logout();
      expect(secure.headers.get("set-cookie")).toContain("Secure");
    } finally {
      await secure.cleanup();
    }
  });
});

describe("ADMIN_PASSWORD", () => {
  it("a changed value replaces the password on start and ends existing sessions", async () => {
    await request(baseUrl, "POST", "/api/auth/login", { body: { password: ADMIN_PASSWORD } });
    expect(await api.deps.auth.ensureInitialAdmin(ADMIN_PASSWORD)).toBe("unchanged");
    expect(await api.deps.auth.ensureInitialAdmin("a brand new password")).toBe("updated");
    expect(await api.db.adminSession.count()).toBe(0);
    const old = await request(baseUrl, "POST", "/api/auth/login", { body: { password: ADMIN_PASSWORD } });
    expect(old.status).toBe(401);
    const fresh = await request(baseUrl, "POST", "/api/auth/login", {
      body: { password: "a brand new password" },
    });
    expect(fresh.status).toBe(200);
  });
});

describe("first-run setup", () => {
  it("is offered only while no admin exists, and logs the new admin in", async () => {
    const fresh = await createTestApi({ env: { ADMIN_PASSWORD: "" } });
    try {
      expect((await fresh.anonymous().health()).needsSetup).toBe(true);
      await expect(fresh.anonymous().auth.setup({ password: "short" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      expect(await fresh.db.adminUser.count()).toBe(0);
      await fresh.anonymous().auth.setup({ password: "a long enough password" });
      expect(fresh.headers.get("set-cookie")).toMatch(/^kabar_session=/);
      expect((await fresh.anonymous().health()).needsSetup).toBe(false);
      await expect(fresh.anonymous().auth.setup({ password: "another password" })).rejects.toMatchObject({
        code: "CONFLICT",
      });
      expect(await fresh.db.adminUser.count()).toBe(1);
    } finally {
      await fresh.cleanup();
    }
  });
});

describe("API tokens", () => {
  it("are shown once, listed by prefix, stored hashed, and stop working when revoked", async () => {
    const created = await api.admin().tokens.create({ name: "seed scripts", scope: "admin" });
    expect(created.token).toMatch(/^kabar_/);
    expect(created.scope).toBe("admin");
    expect(created.token.startsWith(created.prefix)).toBe(true);
    const listed = await api.admin().tokens.list();
    expect(listed).toEqual([
      expect.objectContaining({ id: created.id, prefix: created.prefix, scope: "admin", revokedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const row = await api.db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).not.toContain(created.token);

    const ok = await request(baseUrl, "GET", "/api/admin/whatsapp-sessions", { token: created.token });
    expect(ok.status).toBe(200);
    expect(
      (await api.db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt,
    ).not.toBeNull();
    const revoked = await api.admin().tokens.revoke({ id: created.id });
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await request(baseUrl, "GET", "/api/admin/whatsapp-sessions", { token: created.token });
    expect(refused.status).toBe(401);
    await expect(api.admin().tokens.revoke({ id: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("get scope send when none is given", async () => {
    expect((await api.admin().tokens.create({ name: "registration app" })).scope).toBe("send");
  });

  it("cannot manage tokens themselves unless their scope is admin", async () => {
    await expect(api.app().tokens.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(api.app().tokens.create({ name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
