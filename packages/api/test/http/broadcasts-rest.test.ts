/**
 * Broadcasts over HTTP on core's real createKabar (no WhatsApp link needed: nothing here is
 * delivered, the simulator test in core sends a real list): the streamed multipart upload, its
 * answer, counts, the report, the controls, and every refused upload a 400 (or 413) that stores
 * nothing and sends nothing.
 */
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKabar, type Kabar } from "../../src/kabar.js";
import { createTestApi, type TestApi, untrack } from "../support/test-api.js";

const TEMPLATE = "Halo {nama}, BIB kamu {bib}.";

let api: TestApi<Kabar>;
let baseUrl: string;
let token: string;
beforeEach(async () => {
  api = await createTestApi<Kabar>({
    kabar: ({ databaseUrl, sessionsDir, db }) =>
      createKabar({
        databaseUrl,
        db,
        sessionsDir,
        settings: { minGapMs: 0, maxGapMs: 0, perRecipientGapMs: 0, dailyCap: 0 },
        logger: pino({ level: "silent" }),
      }),
  });
  baseUrl = await api.listen();
  token = (await api.deps.auth.createToken("crm", "send")).token;
});
afterEach(() => api.cleanup());

function form(
  fields: Record<string, string>,
  csv?: Blob | string,
  order: "fields-first" | "csv-first" = "fields-first",
) {
  const body = new FormData();
  const file = typeof csv === "string" ? new Blob([csv], { type: "text/csv" }) : csv;
  if (order === "csv-first" && file) body.append("csv", file, "peserta.csv");
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  if (order === "fields-first" && file) body.append("csv", file, "peserta.csv");
  return body;
}

async function upload(body: FormData) {
  const response = await fetch(`${baseUrl}/api/broadcasts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function call(method: "GET" | "POST", path: string) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

/** Nothing stored, nothing queued. */
async function expectNothingChanged() {
  expect(JSON.parse((await call("GET", "/api/broadcasts")).text)).toEqual([]);
  expect((await api.kabar.health()).outboxDepth).toBe(0);
}

const LIST =
  "nama;no_hp;bib\r\nBudi;0812-7700-0001;A1\r\nSiti;12345;A2\r\n;0812-7700-0003;A3\r\nAni;0812-7700-0004;A4\r\n";

describe("POST /api/broadcasts", { timeout: 60_000 }, () => {
  it("answers 201 with rows, valid, invalid and every error by line; counts, report and controls follow", async () => {
    await api.kabar.sessions.create({ name: "Panitia", sessionId: "panitia" });
    const created = await upload(form({ name: "Race pack", template: TEMPLATE }, LIST));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ rows: 4, valid: 2, invalid: 2, status: "draft" });
    expect(created.body.errors).toEqual([
      expect.objectContaining({ line: 3, column: "no_hp", problem: "bad_number" }),
      expect.objectContaining({ line: 4, column: "nama", problem: "empty_value" }),
    ]);
    const id = String(created.body.id);

    const progress = await call("GET", `/api/broadcasts/${id}`);
    expect(progress.status).toBe(200);
    expect(JSON.parse(progress.text)).toMatchObject({ total: 4, counts: { pending: 2, invalid: 2 } });

    // not linked: the messages wait in the outbox, where cancel finds them
    expect((await call("POST", `/api/broadcasts/${id}/start`)).status).toBe(200);
    expect((await call("POST", `/api/broadcasts/${id}/start`)).status).toBe(409);
    const cancelled = await call("POST", `/api/broadcasts/${id}/cancel`);
    expect(JSON.parse(cancelled.text)).toMatchObject({
      broadcast: { status: "cancelled" },
      counts: { cancelled: 2 },
    });

    const report = await call("GET", `/api/broadcasts/${id}/report.csv`);
    expect(report.type).toBe("text/csv; charset=utf-8");
    const lines = report.text.trimEnd().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^2,6281277000001,cancelled,/);
    expect(lines[2]).toMatch(/^3,,invalid,/);
    expect((await call("GET", "/api/broadcasts/nope/report.csv")).status).toBe(404);
  });

  const refusals: [string, FormData, number, RegExp][] = [
    [
      "no phone column",
      form({ name: "a", template: "Halo {nama}" }, "nama;email\nBudi;b@x.id\n"),
      400,
      /no phone column/,
    ],
    [
      "an unknown placeholder",
      form({ name: "a", template: "Halo {name}" }, LIST),
      400,
      /unknown placeholder \{name\}/,
    ],
    ["an empty file", form({ name: "a", template: "Halo" }, ""), 400, /the file is empty/],
    [
      "a binary file",
      form(
        { name: "a", template: "Halo" },
        new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff])]),
      ),
      400,
      /not UTF-8|NUL/,
    ],
    [
      "10 MB of one line",
      form({ name: "a", template: "Halo" }, `hp\n${"8".repeat(10 * 1024 * 1024)}`),
      400,
      /line 2 is longer than 65536/,
    ],
    [
      "a schedule in the past",
      form({ name: "a", template: TEMPLATE, scheduledAt: "2020-01-01T07:00:00+07:00" }, LIST),
      400,
      /scheduledAt: .* is in the past/,
    ],
    [
      "a time that is not ISO",
      form({ name: "a", template: TEMPLATE, scheduledAt: "besok jam 7" }, LIST),
      400,
      /scheduledAt must be an ISO 8601/,
    ],
    [
      "the file before the template",
      form({ name: "a", template: TEMPLATE }, LIST, "csv-first"),
      400,
      /template is required/,
    ],
    ["no file", form({ name: "a", template: TEMPLATE }), 400, /csv: the form has no csv file part/],
    [
      "over 20 MB",
      form({ name: "a", template: "Halo" }, new Blob([`hp\n${"0812-7700-0001\n".repeat(1_500_000)}`])),
      413,
      /larger than 20 MB/,
    ],
  ];
  for (const [what, body, status, message] of refusals) {
    it(`refuses ${what} with ${status}, storing and sending nothing`, async () => {
      const refused = await upload(body);
      expect(refused.status).toBe(status);
      expect(JSON.stringify(refused.body.error)).toMatch(message);
      await expectNothingChanged();
    });
  }

  it("refuses a body that is not multipart, and a read token", async () => {
    const json = await fetch(`${baseUrl}/api/broadcasts`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(400);
    expect(await json.text()).toMatch(/multipart\/form-data/);
    const reader = (await api.deps.auth.createToken("dashboard", "read")).token;
    const refused = await fetch(`${baseUrl}/api/broadcasts`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader}` },
      body: form({ name: "a", template: TEMPLATE }, LIST),
    });
    expect(refused.status).toBe(403);
    await expectNothingChanged();
  });
});

describe("tRPC broadcasts", { timeout: 60_000 }, () => {
  it("creates from CSV text, previews another template, and onProgress yields the progress then each change", async () => {
    const app = api.app();
    const created = await app.broadcasts.create({ name: "Hasil", template: TEMPLATE, csv: LIST });
    expect(created).toMatchObject({ rows: 4, valid: 2, invalid: 2 });
    expect(await app.broadcasts.preview({ id: created.id, template: "{bib}/{nama}" })).toEqual([
      { line: 2, to: "6281277000001", text: "A1/Budi" },
      { line: 5, to: "6281277000004", text: "A4/Ani" },
    ]);
    await expect(app.broadcasts.preview({ id: created.id, template: "{umur}" })).rejects.toThrow(
      /unknown placeholder \{umur\}/,
    );
    expect((await app.broadcasts.list()).map((broadcast) => broadcast.id)).toEqual([created.id]);

    const abort = new AbortController();
    const updates = await api.app(abort.signal).broadcasts.onProgress({ id: created.id });
    const iterator = updates[Symbol.asyncIterator]();
    const nextUpdate = async () => {
      const result = await iterator.next();
      if (result.done) throw new Error("onProgress ended");
      return untrack(result.value);
    };
    const first = await nextUpdate();
    expect(first.data).toMatchObject({ broadcast: { status: "draft" }, counts: { pending: 2 } });
    await app.broadcasts.cancel({ id: created.id });
    const next = await nextUpdate();
    expect(next.data).toMatchObject({ broadcast: { status: "cancelled" }, counts: { cancelled: 2 } });
    abort.abort();
    await iterator.return?.();
  });
});

describe("POST /api/broadcasts/:id/csv", { timeout: 60_000 }, () => {
  it("the same list again sends nobody twice: one outbox message per number (key: broadcast id + number)", async () => {
    await api.kabar.sessions.create({ name: "Panitia", sessionId: "panitia" });
    const created = await upload(form({ name: "Race pack", template: TEMPLATE }, LIST));
    const id = String(created.body.id);
    await call("POST", `/api/broadcasts/${id}/start`);
    // not linked: both valid rows wait in the outbox; the pause takes them back (cancelled under their keys)
    await call("POST", `/api/broadcasts/${id}/pause`);
    const body = new FormData();
    body.append("csv", new Blob([LIST], { type: "text/csv" }), "peserta.csv");
    const again = await fetch(`${baseUrl}/api/broadcasts/${id}/csv`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body,
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ rows: 4, valid: 2, invalid: 2 });
    await call("POST", `/api/broadcasts/${id}/resume`);
    const progress = JSON.parse((await call("GET", `/api/broadcasts/${id}`)).text) as {
      counts: { pending: number; queued: number };
    };
    expect(progress.counts.pending + progress.counts.queued).toBe(2);
    expect((await api.kabar.health()).outboxDepth).toBe(2);
    const unknown = await fetch(`${baseUrl}/api/broadcasts/nope/csv`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body,
    });
    expect(unknown.status).toBe(404);
  });
});
