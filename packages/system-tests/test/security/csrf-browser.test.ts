/**
 * Issue 14, row 1, in a real Chromium: the admin is logged in to Kabar (its cookie is in the browser)
 * and opens an attacker's page, served from another port of the same host (same-site) or from another
 * host name (cross-site). The page auto-submits forms (text/plain, urlencoded, multipart) and a no-cors
 * fetch at Kabar: each is refused, and nothing changes — no message queued, the device not logged out,
 * no credentials moved to .backup/. A request from Kabar's own page still works (the control).
 */
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/chromium.js";
import { type ChildOutbox, startChildOutbox } from "../../src/child-outbox.js";
import { callApi, linkOverRest } from "../../src/rest-client.js";
import { logIn } from "../../src/security-client.js";

const PASSWORD = "csrf-suite-password";
let harness: ChildOutbox;
let kabarUrl: string;
let attacker: http.Server;
let attackerPort: number;
let browser: Browser;
let page: Page;
let cookieValue: string;

/** The attacker's pages: each sends one request at Kabar as soon as it loads. */
function attackPage(kind: string): string {
  const autoSubmit = "<script>document.forms[0].submit()</script>";
  switch (kind) {
    case "text-plain-send":
      // The classic JSON-via-text/plain trick: the body reads {"to":…,"message":…,"x":"="}.
      return `<form method="POST" enctype="text/plain" action="${kabarUrl}/api/messages">
        <input name='{"to":"6281299990000","message":"csrf","x":"' value='"}'></form>${autoSubmit}`;
    case "urlencoded-logout":
      return `<form method="POST" action="${kabarUrl}/api/admin/whatsapp-sessions/logout">
        <input name="a" value="b"></form>${autoSubmit}`;
    case "multipart-trpc-logout":
      return `<form method="POST" enctype="multipart/form-data" action="${kabarUrl}/trpc/session.logout">
        <input name="a" value="b"></form>${autoSubmit}`;
    case "no-cors-fetch-logout":
      return `<script>fetch(${JSON.stringify(`${kabarUrl}/api/admin/whatsapp-sessions/logout`)},
        { method: "POST", mode: "no-cors", credentials: "include" })</script>`;
    default:
      return "unknown";
  }
}

const ATTACKS = ["text-plain-send", "urlencoded-logout", "multipart-trpc-logout", "no-cors-fetch-logout"];

beforeAll(async () => {
  browser = await launchChromium();
  harness = await startChildOutbox({ adminPassword: PASSWORD });
  kabarUrl = harness.server.url;
  await linkOverRest(harness.server, harness.simulator);
  const login = await logIn(kabarUrl, PASSWORD);
  cookieValue = login.cookie.replace(/^kabar_session=/, "");
  attacker = http.createServer((req, res) => {
    const kind = new URL(req.url ?? "/", "http://attacker").pathname.slice(1);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(attackPage(kind));
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  const context = await browser.newContext();
  await context.addCookies([
    { name: "kabar_session", value: cookieValue, url: kabarUrl, httpOnly: true, sameSite: "Strict" },
  ]);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  await harness?.close();
});

/** Opens the attacker's page and returns the status Kabar answered its request with. */
async function attack(origin: string, kind: string): Promise<number> {
  const answered = page.waitForResponse(
    (response) => response.url().startsWith(kabarUrl) && response.request().method() === "POST",
  );
  await page.goto(`${origin}/${kind}`);
  return (await answered).status();
}

const adminToken = () => ({ authorization: `Bearer ${harness.server.token}` });

describe("1. an auto-submitting page on another origin changes nothing", () => {
  it.each([
    ["same-site (another port of 127.0.0.1)", () => `http://127.0.0.1:${attackerPort}`],
    ["cross-site (localhost)", () => `http://localhost:${attackerPort}`],
  ])("%s", async (_name, origin) => {
    const outboxBefore = await harness.db().outboxMessage.count();
    const statuses: Record<string, number> = {};
    for (const kind of ATTACKS) statuses[kind] = await attack(origin(), kind);
    for (const [kind, status] of Object.entries(statuses)) {
      expect({ kind, refused: [401, 403, 415].includes(status) }).toEqual({ kind, refused: true });
    }
    expect(await harness.db().outboxMessage.count()).toBe(outboxBefore);
    const status = await callApi(kabarUrl, "GET", "/api/admin/whatsapp-sessions/status", {
      headers: adminToken(),
    });
    expect(status.body).toMatchObject({ state: "connected" });
    expect(existsSync(path.join(harness.sessionsDir, ".backup"))).toBe(false);
  });

  it("while Kabar's own page, with the same cookie, may send (the control)", async () => {
    await page.goto(`${kabarUrl}/health`);
    const status = await page.evaluate(async () => {
      const response = await fetch("/api/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ to: "6281299990000", message: "dari panel sendiri" }),
      });
      return response.status;
    });
    expect(status).toBe(202);
  });
});
