/** Every procedure and every REST route, called anonymously, must refuse — except login, setup and health. */
import type { AnyProcedure } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restRoutes } from "../../src/rest/routes.js";
import { appRouter } from "../../src/routers/app-router.js";
import { createTestApi, type TestApi } from "../support/test-api.js";
import { request } from "../support/http.js";

const PUBLIC_PROCEDURES = new Set(["health", "auth.login", "auth.setup"]);
const PUBLIC_ROUTES = new Set(["GET /health", "POST /api/auth/login"]);

let api: TestApi;
let baseUrl: string;
beforeAll(async () => {
  api = await createTestApi();
  baseUrl = await api.listen();
});
afterAll(() => api.cleanup());

function isProcedure(value: unknown): value is AnyProcedure {
  return typeof value === "function" && "_def" in value;
}

// The flat map of every procedure path, so a procedure added later is walked without editing this test.
const procedures = Object.entries(appRouter._def.procedures).flatMap(([path, procedure]) =>
  isProcedure(procedure) ? [{ path, type: String(procedure._def.type) }] : [],
);

describe("tRPC: every procedure but login/setup/health rejects an anonymous call", () => {
  it("knows the whole router", () => {
    const paths = procedures.map((procedure) => procedure.path);
    expect(paths).toEqual(
      expect.arrayContaining(["session.onStatusChange", "messages.onStatus", "tokens.revoke"]),
    );
    expect(paths.length).toBeGreaterThanOrEqual(27);
  });

  it.each(procedures.filter((procedure) => !PUBLIC_PROCEDURES.has(procedure.path)))(
    "$path",
    async ({ path, type }) => {
      const url =
        type === "mutation"
          ? `${baseUrl}/trpc/${path}`
          : `${baseUrl}/trpc/${path}?input=${encodeURIComponent("{}")}`;
      const response = await fetch(url, {
        method: type === "mutation" ? "POST" : "GET",
        headers: { "content-type": "application/json" },
        body: type === "mutation" ? "{}" : undefined,
        signal: AbortSignal.timeout(5000),
      });
      const text = await response.text();
      // Subscriptions answer over SSE with an error event; the others with a 401 status.
      if (type === "subscription") expect(text).toContain("UNAUTHORIZED");
      else expect(response.status).toBe(401);
    },
  );
});

describe("REST: every route but login/health rejects an anonymous call", () => {
  const routes = restRoutes.map((route) => ({ key: `${route.method} ${route.path}`, route }));

  it.each(routes.filter(({ key }) => !PUBLIC_ROUTES.has(key)))("$key", async ({ route }) => {
    const path = route.path.replace(/\{\w+\}/g, "some-id");
    const response = await request(baseUrl, route.method, path, route.method === "GET" ? {} : { body: {} });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });

  it("public routes answer without auth", async () => {
    expect((await request(baseUrl, "GET", "/health")).status).toBe(200);
    expect((await request(baseUrl, "POST", "/api/auth/login", { body: { password: "x" } })).status).toBe(401);
  });
});
