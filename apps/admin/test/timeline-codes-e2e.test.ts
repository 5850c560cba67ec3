/**
 * The server's codes in a real Chromium against the real server in simulated-WhatsApp mode: an
 * Indonesian timeline says a read receipt that came alone (delivered, known from it), a hold (the
 * recipient must write first) and a cancel by hand in Indonesian, the outbox's pause by hand too,
 * and none of the server's English words (kept for logs and the API, here only as tooltips) shows.
 * Every wait is on the page's own state, never on time.
 */
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it, onTestFailed } from "vitest";
import { en } from "../src/i18n/en";
import { format } from "../src/i18n/i18n";
import { id } from "../src/i18n/id";
import { type PanelUnderTest, screenshotsDir, startPanelUnderTest } from "./support/panel-under-test";
import { linkWithSimulatedPhone } from "./support/link-session";
import { simulatorControl } from "./support/simulator-control";

const reader = "6281299990020";
const cold = "6281299990021";
const later = "6281299990022";

let panel: PanelUnderTest | undefined;
let page: Page;

beforeAll(async () => {
  panel = await startPanelUnderTest();
  page = panel.page;
});

afterAll(async () => {
  await panel?.close();
});

/** Sends from the panel's form; returns the message's row. */
async function send(to: string, text: string): Promise<Locator> {
  await page.getByLabel(id.messages.to, { exact: true }).fill(to);
  await page.getByLabel(id.messages.text, { exact: true }).fill(text);
  await page.getByRole("button", { name: id.messages.send, exact: true }).click();
  return page.locator("li.message", { hasText: text });
}

/** The server's English words behind each translated line (its tooltip) must not be its text. */
async function expectNoEnglishShown(scope: Locator): Promise<void> {
  const shown = (await scope.textContent()) ?? "";
  const english = await scope
    .locator("[title]")
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute("title")));
  expect(english.length).toBeGreaterThan(0);
  for (const words of english) if (words) expect(shown).not.toContain(words);
}

it("an Indonesian timeline says the server's codes in Indonesian, with no English words shown", async () => {
  if (panel === undefined) throw new Error("the server did not start");
  const server = panel.kabar;
  onTestFailed(async () => {
    await page.screenshot({
      path: path.join(screenshotsDir, "timeline-codes-failure.tmp.png"),
      fullPage: true,
    });
  });
  const phone = simulatorControl(server.simulatorControlUrl);

  await page.goto(server.url);
  await page.getByLabel(id.auth.password, { exact: true }).fill(server.adminPassword);
  await page.getByRole("button", { name: id.auth.login, exact: true }).click();
  await page.getByRole("heading", { name: id.dashboard.title }).waitFor();
  await linkWithSimulatedPhone(page, phone);

  // A read receipt with no delivery receipt before it (WhatsApp promises no order, and Baileys
  // merges the two when they come together): the timeline still says delivered, then read.
  await phone.setAutoReceipts(false);
  await page.getByRole("link", { name: id.nav.messages }).click();
  const read = await send(reader, "Race pack siap diambil Sabtu");
  await read.locator(".message-head .status-sent").waitFor();
  const [received] = await phone.messagesOf(reader);
  if (received === undefined) throw new Error(`${reader} received nothing`);
  await phone.receipts(reader, "read", [received.id]);
  await read.locator(".message-head .status-read").waitFor();
  await read.locator("summary").click();
  const impliedDelivery = read.locator('.timeline li[data-code="delivered_by_read"]');
  await impliedDelivery.getByText(id.detailCodes.delivered_by_read, { exact: true }).waitFor();
  expect(await impliedDelivery.locator(".status-delivered").count()).toBe(1);
  expect(await read.locator(".timeline li .status").allTextContents()).toEqual([
    id.messages.statuses.queued,
    id.messages.statuses.sending,
    id.messages.statuses.sent,
    id.messages.statuses.delivered,
    id.messages.statuses.read,
  ]);

  // A cold recipient: held, and the panel says why in Indonesian, in the timeline and under the message.
  await phone.addColdContact(cold);
  const held = await send(cold, "Nomor BIB kamu 2045");
  await held.locator(".message-head .status-held").waitFor();
  await held.locator("summary").click();
  await held
    .locator('.timeline li[data-code="held_first_message"]')
    .getByText(id.detailCodes.held_first_message, { exact: true })
    .waitFor();
  await held.locator(".error-text").getByText(id.detailCodes.held_first_message, { exact: true }).waitFor();

  // Paused by hand without a reason: the notice and the session card say so in Indonesian.
  await page.getByRole("button", { name: id.outbox.pause, exact: true }).click();
  const paused = format(id.outbox.paused, { reason: id.sessions.pausedByHandNoReason });
  // (the notice also says how a pause by hand ends, in a span of its own)
  await page.locator(".notice", { hasText: paused }).first().waitFor();
  const waiting = await send(later, "Pesan ini dibatalkan");
  await waiting.locator(".message-head .status-queued").waitFor();
  await waiting.getByRole("button", { name: id.messages.cancel }).click();
  await waiting.locator(".message-head .status-cancelled").waitFor();
  await waiting.locator("summary").click();
  await waiting.locator(".timeline").getByText(id.detailCodes.cancelled_by_hand, { exact: true }).waitFor();

  const list = page.locator("ul.messages");
  await expectNoEnglishShown(list);
  const all = (await list.textContent()) ?? "";
  expect(all).not.toMatch(/must message you first|cancelled by hand|told by its read receipt|paused by hand/);
  expect(await page.locator("body").textContent()).not.toMatch(/paused by hand/);
  await page.getByRole("link", { name: id.nav.sessions }).click();
  await page.locator(".session-card").getByText(paused, { exact: true }).waitFor();

  // The same lines in English are the panel's English, not the server's words.
  await page.getByRole("button", { name: id.app.switchToLabel }).click();
  await page.locator('html[lang="en"]').waitFor({ state: "attached" });
  await page.getByRole("link", { name: en.nav.messages }).click();
  await held.locator("summary").click();
  await held.locator(".timeline").getByText(en.detailCodes.held_first_message, { exact: true }).waitFor();
  await page
    .locator(".notice", { hasText: format(en.outbox.paused, { reason: en.sessions.pausedByHandNoReason }) })
    .first()
    .waitFor();
  await page.getByRole("button", { name: en.outbox.resume, exact: true }).click();
  await page.getByText(en.outbox.running).waitFor();
});
