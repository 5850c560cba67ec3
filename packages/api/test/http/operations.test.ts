import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { request } from "../support/http.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

let api: TestApi;
let baseUrl: string;
let token: string;
let adminToken: string;
beforeEach(async () => {
  api = await createTestApi();
  baseUrl = await api.listen();
  token = (await api.deps.auth.createToken("prometheus", "read")).token;
  adminToken = (await api.deps.auth.createToken("operator", "admin")).token;
});
afterEach(() => api.cleanup());

describe("/health", () => {
  it("is 200 JSON with database, session state and outbox depth; 503 when the database is down", async () => {
    const healthy = await request(baseUrl, "GET", "/health");
    expect(healthy).toMatchObject({
      status: 200,
      body: {
        ok: true,
        process: { uptimeSeconds: expect.any(Number) },
        database: true,
        session: { state: "disconnected" },
        outboxDepth: 0,
        simulated: false,
      },
    });
    api.kabar.isDatabaseUp = false;
    const down = await request(baseUrl, "GET", "/health");
    expect(down).toMatchObject({ status: 503, body: { ok: false, database: false } });
  });

  it("shows an unwritable wa_sessions/ as degraded: still 200, credentialsWritable false and the problem", async () => {
    expect(await request(baseUrl, "GET", "/health")).toMatchObject({
      status: 200,
      body: { credentialsWritable: true, storageProblem: null },
    });
    const problem = "/srv/wa_sessions/panitia refuses writes (EROFS): keeping the key updates in memory";
    api.kabar.setStorageProblem(problem);
    expect(await request(baseUrl, "GET", "/health")).toMatchObject({
      status: 200,
      body: { ok: true, credentialsWritable: false, storageProblem: problem },
    });
    const status = await request(baseUrl, "GET", "/api/admin/whatsapp-sessions/status", {
      token: adminToken,
    });
    expect(status).toMatchObject({ status: 200, body: { storageProblem: problem } });
    expect((await api.admin().session.status()).storageProblem).toBe(problem);
    const metrics = await request(baseUrl, "GET", "/metrics", { token });
    expect(String(metrics.body)).toContain("kabar_credentials_writable 0");

    api.kabar.setStorageProblem(null);
    expect(await request(baseUrl, "GET", "/health")).toMatchObject({
      status: 200,
      body: { credentialsWritable: true, storageProblem: null },
    });
  });
});

describe("the WhatsApp Web version in use", () => {
  it("shows on /health, the session status and /metrics as kabar_wa_web_version_info{version,source}", async () => {
    expect(await request(baseUrl, "GET", "/health")).toMatchObject({ body: { waWebVersion: null } });
    const waWebVersion = { version: "2.3000.1030000000", source: "live" as const };
    api.kabar.setWaWebVersion(waWebVersion);
    expect(await request(baseUrl, "GET", "/health")).toMatchObject({ status: 200, body: { waWebVersion } });
    expect((await api.admin().session.status()).waWebVersion).toEqual(waWebVersion);
    const metrics = String((await request(baseUrl, "GET", "/metrics", { token })).body);
    expect(metrics).toContain('kabar_wa_web_version_info{version="2.3000.1030000000",source="live"} 1');
    api.kabar.refuse("client_too_old", "WhatsApp refused this client version; set WA_WEB_VERSION");
    const refused = String((await request(baseUrl, "GET", "/metrics", { token })).body);
    expect(refused).toContain('kabar_session_state{state="client_too_old"} 1');
  });
});

describe("which node owns the session", () => {
  it("/health says the mode, this node, the owner and since when; /metrics has the node and 1 only on the owner", async () => {
    const single = await request(baseUrl, "GET", "/health");
    expect(single.body).toMatchObject({
      cluster: { mode: "single", nodeId: "fake-node:0", isOwner: true, ownerNodeId: "fake-node:0" },
    });
    const ownerSince = new Date("2026-12-02T10:00:00.000Z");
    api.kabar.clusterInfo = {
      mode: "cluster",
      nodeId: "node-b:3001",
      isOwner: false,
      ownerNodeId: "node-a:3000",
      ownerSince,
      leaseExpiresAt: new Date("2026-12-02T10:00:10.000Z"),
    };
    expect((await request(baseUrl, "GET", "/health")).body).toMatchObject({
      cluster: {
        mode: "cluster",
        nodeId: "node-b:3001",
        isOwner: false,
        ownerNodeId: "node-a:3000",
        ownerSince: "2026-12-02T10:00:00.000Z",
      },
    });
    expect((await api.admin().health()).cluster.ownerNodeId).toBe("node-a:3000");
    const follower = String((await request(baseUrl, "GET", "/metrics", { token })).body);
    expect(follower).toContain('kabar_node_info{node="node-b:3001",mode="cluster"} 1');
    expect(follower).toContain("kabar_session_owner 0");
    api.kabar.clusterInfo = { ...api.kabar.clusterInfo, isOwner: true, ownerNodeId: "node-b:3001" };
    expect(String((await request(baseUrl, "GET", "/metrics", { token })).body)).toContain(
      "kabar_session_owner 1",
    );
  });
});

describe("/metrics", () => {
  it("speaks Prometheus text: session state, messages by status, latency histogram, reconnects, last disconnect", async () => {
    await api.admin().session.create({ name: "Panitia", sessionId: "panitia" });
    const sent = await api.app().messages.send({ to: "081234567890", message: "Halo" });
    api.kabar.setMessageStatus(sent.id, "sent", 420);
    api.kabar.reconnects = 2;
    await api.app(undefined, "admin").session.logout();

    const response = await request(baseUrl, "GET", "/metrics", { token });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = String(response.body);
    expect(text).toContain('kabar_session_state{state="logged_out"} 1');
    expect(text).toContain('kabar_session_state{state="connected"} 0');
    expect(text).toContain('kabar_messages{status="sent"} 1');
    expect(text).toContain('kabar_send_latency_ms_bucket{le="250"} 0');
    expect(text).toContain('kabar_send_latency_ms_bucket{le="500"} 1');
    expect(text).toContain("kabar_send_latency_ms_count 1");
    expect(text).toContain("kabar_reconnects_total 2");
    expect(text).toContain('kabar_last_disconnect_info{reason="logged_out"} 1');
    expect(text).toMatch(/# TYPE kabar_send_latency_ms histogram/);
  });
});

describe("GET /api/messages/inbound", () => {
  it("answers the stored inbound messages, newest first, for a token", async () => {
    const stored = {
      id: "in1",
      waMessageId: "3EB0BB",
      from: null,
      fromLid: "123456789012345",
      type: "text" as const,
      text: "Halo",
      caption: null,
      mimeType: null,
      receivedAt: "2026-12-02T05:00:00.000Z",
      isOffline: false,
      readAt: null,
      createdAt: "2026-12-02T05:00:01.000Z",
    };
    api.kabar.inbound.push(stored);
    expect(await request(baseUrl, "GET", "/api/messages/inbound?limit=10", { token })).toMatchObject({
      status: 200,
      body: { items: [stored], nextCursor: null },
    });
    expect(await request(baseUrl, "GET", "/api/messages/inbound")).toMatchObject({ status: 401 });
  });
});

describe("/api/openapi.json", () => {
  it("documents every REST route as OpenAPI 3.1 with request schemas", async () => {
    const response = await request(baseUrl, "GET", "/api/openapi.json", { token });
    const doc = response.body as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/admin/whatsapp-sessions",
        "/api/messages",
        "/api/messages/{id}",
        "/api/messages/inbound",
        "/health",
        "/metrics",
      ]),
    );
    expect(doc.paths["/api/messages/inbound"]?.get).toMatchObject({
      parameters: expect.arrayContaining([
        { name: "limit", in: "query", required: false, schema: { type: "string" } },
      ]),
    });
    // A text or an image/document: both shapes, each with its own required fields.
    expect(doc.paths["/api/messages"]?.post?.requestBody).toMatchObject({
      content: {
        "application/json": {
          schema: {
            anyOf: [
              { properties: { to: { type: "string" }, message: { type: "string" } } },
              { properties: { to: { type: "string" }, media: { required: ["data", "mimeType"] } } },
            ],
          },
        },
      },
    });
    expect(doc.paths["/api/messages/media"]?.post?.requestBody).toMatchObject({
      content: {
        "multipart/form-data": {
          schema: { required: ["to", "file"], properties: { file: { type: "string", format: "binary" } } },
        },
      },
    });
  });
});

describe("the admin panel at /", () => {
  it("says to build it when there is no build", async () => {
    const response = await request(baseUrl, "GET", "/");
    expect(response.status).toBe(200);
    expect(String(response.body)).toContain("pnpm --filter @kabar/admin build");
  });

  it("serves the build, falls back to index.html for panel routes, and 404s unknown /api paths as JSON", async () => {
    const dist = api.env.ADMIN_DIST_DIR;
    await mkdir(path.join(dist, "assets"), { recursive: true });
    await writeFile(path.join(dist, "index.html"), "<!doctype html><div id=root></div>");
    await writeFile(path.join(dist, "assets", "app-1234.js"), "console.log(1)");
    const index = await request(baseUrl, "GET", "/");
    expect(index.body).toContain("id=root");
    const asset = await request(baseUrl, "GET", "/assets/app-1234.js");
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await request(baseUrl, "GET", "/admin/dashboard")).body).toContain("id=root");
    expect((await request(baseUrl, "GET", "/../../etc/passwd")).body).toContain("id=root");
    const unknown = await request(baseUrl, "GET", "/api/nothing-here");
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } });
  });
});
