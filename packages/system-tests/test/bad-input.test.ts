/**
 * At least 200 malformed inputs against one live server (its own process, the session linked on the
 * simulator): each must get a 4xx with a clear message naming the field where there is one, leave
 * the server healthy, write nothing outside wa_sessions/ and change no row.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BadInput, generateBadInputs, MARKER } from "../src/bad-inputs.js";
import { type ChildOutbox, startChildOutbox } from "../src/child-outbox.js";
import { type ApiAnswer, callApi, linkOverRest, requestWithCurl } from "../src/rest-client.js";
import { databaseSnapshot, findMarked, treeSnapshot } from "../src/snapshots.js";

const PASSWORD = "bad-input-password-123";
let harness: ChildOutbox;
let adminCookie = "";
let revokedToken = "";

beforeAll(async () => {
  harness = await startChildOutbox({ adminPassword: PASSWORD });
  await linkOverRest(harness.server, harness.simulator);
  const login = await fetch(`${harness.server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ password: PASSWORD }),
  });
  adminCookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  expect(adminCookie).toMatch(/^kabar_session=/);
  const created = await trpc("POST", "tokens.create", { name: "to be revoked" }, "admin");
  const { token, id } = (created.body as { result: { data: { token: string; id: string } } }).result.data;
  revokedToken = token;
  expect((await trpc("POST", "tokens.revoke", { id }, "admin")).status).toBe(200);
});

afterAll(async () => {
  await harness?.close();
});

function headersFor(credential: BadInput["credential"]): Record<string, string> {
  switch (credential) {
    case "token":
      return { authorization: `Bearer ${harness.server.token}` };
    case "admin":
      return { cookie: adminCookie };
    case "invalid":
      return { authorization: "Bearer kabar_not-a-real-token", cookie: "kabar_session=forged" };
    case "revoked":
      return { authorization: `Bearer ${revokedToken}` };
    default:
      return {};
  }
}

function trpc(
  method: "GET" | "POST",
  procedure: string,
  input: unknown,
  credential: BadInput["credential"],
  rawBody?: string,
) {
  const query =
    method === "GET" && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : "";
  return callApi(harness.server.url, method, `/trpc/${procedure}${query}`, {
    headers: headersFor(credential),
    ...(method === "POST" ? (rawBody === undefined ? { body: input ?? {} } : { rawBody }) : {}),
  });
}

function send(item: BadInput): Promise<ApiAnswer> {
  if (item.rawBody && item.rawBody.length > 1_000_000) {
    const route = item.route.startsWith("trpc:") ? `/trpc/${item.route.slice(5)}` : item.route;
    const headers = { ...headersFor(item.credential), "content-type": "application/json" };
    return requestWithCurl(`${harness.server.url}${route}`, item.method, headers, item.rawBody);
  }
  if (item.route.startsWith("trpc:"))
    return trpc(
      item.method === "GET" ? "GET" : "POST",
      item.route.slice(5),
      item.input,
      item.credential,
      item.rawBody,
    );
  const hasBody = item.method !== "GET" && item.method !== "DELETE";
  return callApi(harness.server.url, item.method, item.route, {
    headers: headersFor(item.credential),
    ...(hasBody ? (item.rawBody === undefined ? { body: item.input ?? {} } : { rawBody: item.rawBody }) : {}),
  });
}

/** The readable message and the field, from either edge's error shape. */
function errorOf(answer: ApiAnswer): { message: string; field: string } {
  const body = (answer.body ?? {}) as {
    error?: { message?: string; field?: string; data?: { kabar?: { field?: string } } };
  };
  return {
    message: body.error?.message ?? "",
    field: body.error?.field ?? body.error?.data?.kabar?.field ?? "",
  };
}

const cases = generateBadInputs();
const allowed = (relative: string) =>
  relative.startsWith("wa_sessions") || /^kabar\.db(-wal|-shm|-journal)?$/.test(relative);

describe(`${cases.length} malformed inputs against one live server`, () => {
  it("has at least 200 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it("answers every one with a clear 4xx and changes nothing", async () => {
    const rowsBefore = await databaseSnapshot(harness.db());
    const treeBefore = treeSnapshot(harness.dir, allowed);
    const problems: string[] = [];
    for (const item of cases) {
      const answer = await send(item).catch((error: unknown) => ({
        status: 0,
        body: null,
        text: String(error),
      }));
      const { message, field } = errorOf(answer);
      if (answer.status < 400 || answer.status > 499)
        problems.push(`${item.name}: status ${answer.status} ${answer.text.slice(0, 160)}`);
      else if (message.trim().length < 5)
        problems.push(
          `${item.name}: ${answer.status} without a readable message: ${answer.text.slice(0, 160)}`,
        );
      else if (item.field && field !== item.field && !message.includes(item.field))
        problems.push(
          `${item.name}: ${answer.status} does not name "${item.field}": ${message.slice(0, 160)}`,
        );
      const health = await callApi(harness.server.url, "GET", "/health").catch((error: unknown) => ({
        status: 0,
        text: String(error),
      }));
      if (health.status !== 200)
        problems.push(`after ${item.name}: /health ${health.status} ${health.text.slice(0, 160)}`);
      if (harness.server.child.exitCode !== null || harness.server.child.signalCode !== null) {
        problems.push(`the server process died after ${item.name}: ${harness.server.stderr().slice(-1_500)}`);
        break;
      }
    }
    console.log(`[bad-input] ${cases.length} inputs, ${problems.length} problems`);
    for (const problem of problems) console.log(`[bad-input] ${problem}`);
    expect(await databaseSnapshot(harness.db())).toEqual(rowsBefore);
    expect(treeSnapshot(harness.dir, allowed)).toEqual(treeBefore);
    const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
    expect(
      findMarked(MARKER, [harness.dir, path.dirname(harness.dir), path.join(repoRoot, "wa_sessions")]),
    ).toEqual([]);
    expect(problems).toEqual([]);
  });
});
