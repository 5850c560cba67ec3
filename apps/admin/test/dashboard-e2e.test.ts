/**
 * The dashboard in a real Chromium against the real server in simulated-WhatsApp mode: three messages
 * sent from the panel through wa-multi-session + Baileys, all three delivered and one read by its
 * contact (receipts sent by the simulated contacts on command), then today's bars, the table and the
 * summary say 3 sent, 3 delivered, 1 read, 0 failed, with the delivery rate and the outbox depth.
 * Every wait is on the page's own state, never on time.
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it, onTestFailed } from "vitest";
import { en } from "../src/i18n/en";
import { format } from "../src/i18n/i18n";
import { id } from "../src/i18n/id";
import { type PanelUnderTest, screenshotsDir, startPanelUnderTest } from "./support/panel-under-test";
import { linkWithSimulatedPhone } from "./support/link-session";
import { simulatorControl } from "./support/simulator-control";

const contacts = ["6281299990010", "6281299990011", "6281299990012"] as const;

let panel: PanelUnderTest | undefined;
let page: Page;

beforeAll(async () => {
  panel = await startPanelUnderTest({ width: 1280, height: 900 });
  page = panel.page;
});

afterAll(async () => {
  await panel?.close();
});

/** Today in the organisation's time zone (the default setting), as the server labels its days. */
function todayInJakarta(): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Jakarta",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());
}

it("after 3 sends, all delivered and 1 read, today's bars and table say 3 sent, 3 delivered, 1 read", async () => {
  if (panel === undefined) throw new Error("the server did not start");
  const server = panel.kabar;
  onTestFailed(async () => {
    await page.screenshot({ path: path.join(screenshotsDir, "dashboard-failure.tmp.png"), fullPage: true });
  });
  const phone = simulatorControl(server.simulatorControlUrl);

  await page.goto(server.url);
  await page.getByLabel(id.auth.password, { exact: true }).fill(server.adminPassword);
  await page.getByRole("button", { name: id.auth.login, exact: true }).click();
  await page.getByRole("heading", { name: id.dashboard.title }).waitFor();
  // Nothing sent yet: 14 empty days, no rate, and no broadcast card.
  await page.locator(".daily-chart svg g[data-day]").nth(13).waitFor();
  expect(await page.locator(".daily-chart svg g[data-day]").count()).toBe(14);
  await page.locator('[data-stat="delivery-rate"]', { hasText: id.dashboard.noData }).waitFor();
  expect(await page.locator(".running-broadcast").count()).toBe(0);

  // Link the session with the simulated phone.
  await linkWithSimulatedPhone(page, phone);

  // The contacts report delivered and read only when told: one of three will read.
  await phone.setAutoReceipts(false);
  await page.getByRole("link", { name: id.nav.messages }).click();
  for (const [index, contact] of contacts.entries()) {
    const text = `Race pack peserta ${index + 1} siap diambil`;
    await page.getByLabel(id.messages.to, { exact: true }).fill(contact);
    await page.getByLabel(id.messages.text, { exact: true }).fill(text);
    await page.getByRole("button", { name: id.messages.send, exact: true }).click();
    await page.locator("li.message", { hasText: text }).locator(".message-head .status-sent").waitFor();
  }
  const ids = await Promise.all(
    contacts.map(async (contact) => {
      const [received] = await phone.messagesOf(contact);
      if (received === undefined) throw new Error(`${contact} received nothing`);
      return received.id;
    }),
  );
  for (const [index, contact] of contacts.entries())
    await phone.receipts(contact, "delivered", [ids[index] ?? ""]);
  await phone.receipts(contacts[0], "read", [ids[0] ?? ""]);
  await page.locator("li.message .message-head .status-read").waitFor();
  await page.locator("li.message .message-head .status-delivered").nth(1).waitFor();

  // The dashboard: today's group of bars carries the numbers, and so do the table and the summary.
  await page.getByRole("link", { name: id.nav.dashboard }).click();
  const today = page.locator(`.daily-chart svg g[data-day="${todayInJakarta()}"]`);
  await today.locator('rect[data-series="read"][data-value="1"]').waitFor();
  await today.locator('rect[data-series="delivered"][data-value="3"]').waitFor();
  expect(await barValues(today)).toEqual({ sent: "3", delivered: "3", read: "1", failed: "0" });
  expect(await page.locator(".daily-chart svg g[data-day]").last().getAttribute("data-day")).toBe(
    todayInJakarta(),
  );
  const summary = format(id.dashboard.chartSummary, {
    timeZone: "Asia/Jakarta",
    sent: 3,
    delivered: 3,
    read: 1,
    failed: 0,
  });
  expect(
    await page.getByRole("img", { name: id.dashboard.chartTitle }).getAttribute("aria-labelledby"),
  ).toBeTruthy();
  expect(await page.locator(".daily-chart svg desc").textContent()).toBe(summary);
  await page.getByText(id.dashboard.showTable).click();
  const row = page.locator(`.chart-table tr[data-day="${todayInJakarta()}"]`);
  await row.waitFor();
  expect(await row.locator("td").allTextContents()).toEqual(["3", "3", "1", "0"]);
  await page.locator('[data-stat="delivery-rate"]', { hasText: "100%" }).waitFor();
  expect(await page.locator('[data-stat="median-delivery"]').textContent()).not.toBe(id.dashboard.noData);
  expect(await page.locator('[data-stat="outbox-depth"]').textContent()).toBe("0");
  await page.screenshot({ path: path.join(screenshotsDir, "dashboard.id.png"), fullPage: true });

  // English: the same numbers, the summary in English.
  await page.getByRole("button", { name: id.app.switchToLabel }).click();
  await page.getByRole("heading", { name: en.dashboard.title }).waitFor();
  expect(await page.locator(".daily-chart svg desc").textContent()).toBe(
    format(en.dashboard.chartSummary, {
      timeZone: "Asia/Jakarta",
      sent: 3,
      delivered: 3,
      read: 1,
      failed: 0,
    }),
  );
  await page.screenshot({ path: path.join(screenshotsDir, "dashboard.en.png"), fullPage: true });
});

async function barValues(group: ReturnType<Page["locator"]>): Promise<Record<string, string | null>> {
  const values: Record<string, string | null> = {};
  for (const series of ["sent", "delivered", "read", "failed"]) {
    values[series] = await group.locator(`rect[data-series="${series}"]`).getAttribute("data-value");
  }
  return values;
}
