import { loginInput } from "../routers/auth/log-in.js";
import { renderMetrics } from "./metrics.js";
import { renderOpenApi } from "./openapi.js";
import type { RestRoute } from "./route.js";

export const operationsRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/health",
    summary:
      "Process, database, session state, outbox depth, whether wa_sessions/ takes writes, and which node owns the session since when (cluster); 503 only when the database is down",
    access: "anonymous",
    successStatus: 200,
    handle: async ({ caller }) => {
      const health = await caller.health();
      return { status: health.ok ? 200 : 503, json: health };
    },
  },
  {
    method: "POST",
    path: "/api/auth/login",
    summary: "Log in with the admin password; sets the HttpOnly session cookie",
    access: "anonymous",
    requestBody: loginInput,
    successStatus: 200,
    handle: async ({ caller, body }) => ({
      status: 200,
      json: await caller.auth.login(loginInput.parse(await body())),
    }),
  },
  {
    method: "POST",
    path: "/api/auth/logout",
    access: "read",
    summary: "End the admin session and clear its cookie",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: await caller.auth.logout() }),
  },
  {
    method: "GET",
    path: "/metrics",
    access: "read",
    summary: "Prometheus metrics",
    successStatus: 200,
    handle: async ({ ctx }) => ({
      status: 200,
      text: await renderMetrics(ctx.kabar),
      contentType: "text/plain; version=0.0.4; charset=utf-8",
    }),
  },
  {
    method: "GET",
    path: "/api/openapi.json",
    access: "read",
    summary: "This document",
    successStatus: 200,
    handle: async ({ routes }) => ({ status: 200, json: renderOpenApi(routes) }),
  },
];
