import type { Page } from "playwright-core";
import { id } from "../../src/i18n/id";
import type { simulatorControl } from "./simulator-control";

/** Adds the session from the (Indonesian) Sessions page and has the simulated phone scan its QR. */
export async function linkWithSimulatedPhone(
  page: Page,
  phone: ReturnType<typeof simulatorControl>,
): Promise<void> {
  await page.getByRole("link", { name: id.nav.sessions }).click();
  await page.getByRole("button", { name: id.sessions.add }).click();
  await page.getByLabel(id.sessions.name, { exact: true }).fill("Lari Pagi Jakarta");
  await page.getByLabel(id.sessions.sessionId, { exact: true }).fill("lari_pagi");
  await page.getByRole("button", { name: id.sessions.create }).click();
  const qrImage = page.getByRole("dialog").locator("img[data-qr-value]");
  await qrImage.waitFor();
  await phone.scan((await qrImage.getAttribute("data-qr-value")) ?? "");
  await page.locator('.session-card [data-state="connected"]').waitFor();
}
