/**
 * (4b) From the click on "Connect WhatsApp" in the panel to the QR image visible, in Chromium
 * (playwright-core) against the panel the API serves. The session exists but is not connected.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { since } from "./stats.js";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function panelQrMs(baseUrl: string, password: string): Promise<number> {
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    // The panel's own labels (Indonesian by default), as its e2e test logs in.
    await page.goto(baseUrl);
    await page.getByLabel("Kata sandi", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Masuk", exact: true }).click();
    await page.waitForURL(/\/admin\/dashboard/, { timeout: 30_000 });
    await page.goto(`${baseUrl}/admin/sessions`);
    await page.locator(".session-card").waitFor({ timeout: 30_000 });
    const connect = page
      .locator(".session-card button", {
        hasText: /Hubungkan WhatsApp|Connect WhatsApp|Tampilkan Kode QR|Show QR Code/,
      })
      .first();
    await connect.waitFor({ timeout: 30_000 });
    const start = performance.now();
    await connect.click();
    await page
      .getByRole("dialog")
      .locator("img[data-qr-value]")
      .waitFor({ state: "visible", timeout: 60_000 });
    return since(start);
  } finally {
    await browser.close();
  }
}
