/**
 * The API README's "Who may call what" table, walked: every row is called as anonymous, a read, a
 * send and an admin token, and the admin cookie, over real HTTP; each must be let through or refused
 * (401/403) exactly as the table says. Every procedure and route must have a row, so one added on
 * another branch fails here until the table names who may call it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AnyProcedure } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Access } from "../../src/auth/access.js";
import { accessOf } from "../../src/rest/route.js";
import { restRoutes } from "../../src/rest/routes.js";
import { appRouter } from "../../src/routers/app-router.js";
import { ADMIN_PASSWORD, createTestApi, type TestApi } from "../support/test-api.js";

interface Row {
  call: string;
  kind: string;
  access: Access;
}

const LEVELS: Access[] = ["anonymous", "read", "send", "admin"];

function readTable(): Row[] {
  const readme = readFileSync(path.join(import.meta.dirname, "..", "..", "README.md"), "utf8");
  const start = readme.indexOf("<!-- access-table:start -->");
  const end = readme.indexOf("<!-- access-table:end -->");
  if (start === -1 || end === -1) throw new Error("README.md has no access table");
  return readme
    .slice(start, end)
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [call = "", kind = "", access = ""] = line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim());
      if (!LEVELS.includes(access as Access)) throw new Error(`unknown level in: ${line}`);
      return { call: call.replace(/`/g, ""), kind, access: access as Access };
    });
}

const table = readTable();

type Principal = "anonymous" | "read token" | "send token" | "admin token" | "admin cookie";
const PRINCIPALS: Principal[] = ["anonymous", "read token", "send token", "admin token", "admin cookie"];

/** What the table promises this principal for a call needing `access`. */
function isAllowed(principal: Principal, access: Access): boolean {
  if (access === "anonymous" || principal === "admin cookie") return true;
  if (principal === "anonymous") return false;
  const rank = { read: 1, send: 2, admin: 3 } as const;
  const held = principal.split(" ")[0] as keyof typeof rank;
  return rank[held] >= rank[access];
}

function isProcedure(value: unknown): value is AnyProcedure {
  return typeof value === "function" && "_def" in value;
}

const procedures = Object.entries(appRouter._def.procedures).flatMap(([name, procedure]) =>
  isProcedure(procedure) ? [{ name, type: String(procedure._def.type) }] : [],
);

let api: TestApi;
let baseUrl: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  api = await createTestApi();
  baseUrl = await api.listen();
  for (const scope of ["read", "send", "admin"] as const) {
    tokens[scope] = (await api.deps.auth.createToken(`${scope} walker`, scope)).token;
  }
});
afterAll(() => api.cleanup());

/** A fresh cookie per call: auth.logout in the walk must not log the next call out. */
async function credentialHeaders(principal: Principal): Promise<Record<string, string>> {
  if (principal === "anonymous") return {};
  if (principal === "admin cookie") {
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password: ADMIN_PASSWORD }),
    });
    return { cookie: (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
  }
  return { authorization: `Bearer ${tokens[principal.split(" ")[0] ?? ""]}` };
}

/** Reads an SSE answer until it shows an error or a first data event; true when refused. */
async function subscriptionRefused(response: Response): Promise<boolean> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (/UNAUTHORIZED|FORBIDDEN/.test(text)) return true;
      // tRPC's own "connected" frame carries no id; a tracked event (or a resync) means it was let in.
      if (/^id: /m.test(text)) return false;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  throw new Error(`the stream ended without an answer: ${text.slice(0, 300)}`);
}

/** Calls one row as one principal; true when it was refused for its credential (401/403). */
async function isRefused(row: Row, principal: Principal): Promise<boolean> {
  const headers = await credentialHeaders(principal);
  if (row.kind === "REST") {
    const [method = "GET", routePath = "/"] = row.call.split(" ");
    const hasBody = method === "POST" || method === "PUT";
    const response = await fetch(`${baseUrl}${routePath.replace(/\{\w+\}/g, "some-id")}`, {
      method,
      headers: { ...headers, ...(hasBody ? { "content-type": "application/json" } : {}) },
      ...(hasBody ? { body: "{}" } : {}),
    });
    await response.body?.cancel();
    return response.status === 401 || response.status === 403;
  }
  if (row.kind === "tRPC subscription") {
    const response = await fetch(`${baseUrl}/trpc/${row.call}`, {
      // An id the server does not hold: an admitted stream answers at once (a resync or the status).
      headers: { ...headers, accept: "text/event-stream", "last-event-id": "mx0-7" },
    });
    return subscriptionRefused(response);
  }
  const isMutation = row.kind === "tRPC mutation";
  const response = await fetch(
    isMutation
      ? `${baseUrl}/trpc/${row.call}`
      : `${baseUrl}/trpc/${row.call}?input=${encodeURIComponent("{}")}`,
    {
      method: isMutation ? "POST" : "GET",
      headers: { ...headers, ...(isMutation ? { "content-type": "application/json" } : {}) },
      ...(isMutation ? { body: "{}" } : {}),
    },
  );
  await response.body?.cancel();
  return response.status === 401 || response.status === 403;
}

describe("the access table", () => {
  it("has a row for every procedure and every REST route, and no row for anything else", () => {
    const expected = [
      ...procedures.map((procedure) => `${procedure.name} tRPC ${procedure.type}`),
      ...restRoutes.map((route) => `${route.method} ${route.path} REST`),
    ].sort();
    const listed = table.map((row) => `${row.call} ${row.kind}`).sort();
    expect(listed).toEqual(expected);
  });

  it("says what the code declares for each call", () => {
    const declared = new Map<string, unknown>([
      ...Object.entries(appRouter._def.procedures).map(([name, procedure]): [string, unknown] => [
        name,
        isProcedure(procedure)
          ? (procedure._def.meta as { access?: unknown } | undefined)?.access
          : undefined,
      ]),
      ...restRoutes.map((route): [string, unknown] => [`${route.method} ${route.path}`, accessOf(route)]),
    ]);
    for (const row of table) {
      expect({ call: row.call, access: declared.get(row.call) }).toEqual({
        call: row.call,
        access: row.access,
      });
    }
  });
});

describe.each(table)("$call ($kind) needs $access", (row) => {
  it.each(PRINCIPALS)("as %s", async (principal) => {
    expect(await isRefused(row, principal)).toBe(!isAllowed(principal, row.access));
  });
});
