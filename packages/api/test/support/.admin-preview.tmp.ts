// Throwaway (admin engineer): preview the panel against the API with FakeKabar. Not committed.
import { chromium } from "../../../../apps/admin/node_modules/playwright-core/index.mjs";
import { createTestApi } from "./test-api.js";

const out = "/tmp/kabar-preview";
const api = await createTestApi({
  env: { ADMIN_DIST_DIR: "/work/main/apps/admin/dist", LOG_LEVEL: "silent" },
  meta: { simulated: true, simulatorControlUrl: "http://127.0.0.1:9" },
});
const url = await api.listen();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on("console", (m) => console.log("console:", m.text()));
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  await page.goto(url);
  await page.getByLabel("Kata sandi").waitFor();
  await page.screenshot({ path: `${out}/1-login.png` });
  await page.getByLabel("Kata sandi").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  await page.getByRole("heading", { name: "Dasbor" }).waitFor();
  await page.screenshot({ path: `${out}/2-dashboard.png` });
  await page.getByRole("link", { name: "WhatsApp Sessions" }).click();
  await page.getByRole("button", { name: "Add WhatsApp Session" }).click();
  await page.getByRole("button", { name: "Simpan sesi" }).click();
  await page.screenshot({ path: `${out}/3-form-errors.png` });
  await page.getByLabel("Nama Session").fill("Lari Pagi");
  await page.getByLabel("Session ID").fill("lari_pagi");
  await page.getByRole("button", { name: "Simpan sesi" }).click();
  await page.locator("img[data-qr-value]").waitFor();
  await page.screenshot({ path: `${out}/4-qr.png` });
  api.kabar.scan();
  await page.getByRole("dialog").waitFor({ state: "detached" });
  await page.screenshot({ path: `${out}/5-connected.png` });
  await page.getByRole("link", { name: "Dasbor" }).click();
  await page.getByRole("heading", { name: "Kotak keluar" }).waitFor();
  await page.screenshot({ path: `${out}/5b-dashboard.png` });
  await page.getByRole("button", { name: "Switch to English" }).click();
  await page.getByRole("link", { name: "WhatsApp Sessions" }).click();
  await api.kabar.sessions.logout();
  await page.locator('[data-state="logged_out"]').first().waitFor({ timeout: 15000 }).catch(async (e) => { await page.screenshot({ path: `${out}/fail.png` }); throw e; });
  await page.screenshot({ path: `${out}/5c-logged-out-en.png` });
  await page.getByRole("button", { name: "Show QR Code" }).click();
  await page.locator("img[data-qr-value]").waitFor();
  await page.getByText("Or link with a code").click();
  await page.getByRole("button", { name: "Request a pairing code" }).click();
  await page.getByText("ABCD-EFGH").waitFor({ timeout: 12000 }).catch(async (e) => { await page.screenshot({ path: `${out}/fail.png` }); throw e; });
  await page.screenshot({ path: `${out}/5d-pairing-en.png` });
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Delete" }).click();
  await page.screenshot({ path: `${out}/5e-delete-refused-en.png` });
  api.kabar.scan();
  await page.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();
  await page.getByRole("link", { name: "Pesan" }).click();
  await page.getByLabel("Nomor tujuan").fill("081299990000");
  await page.getByLabel("Isi pesan").fill("Halo peserta!");
  await page.getByRole("button", { name: "Kirim", exact: true }).click();
  await page.locator("li.message").waitFor();
  await page.locator("li.message summary").first().click();
  await page.screenshot({ path: `${out}/6-messages.png` });
  await page.getByRole("link", { name: "API Tokens" }).click();
  await page.getByLabel("Nama token").fill("pendaftaran");
  await page.getByRole("button", { name: "Buat token" }).click();
  await page.locator(".token-once").waitFor();
  await page.screenshot({ path: `${out}/7-tokens.png` });
  await page.getByRole("link", { name: "Pengaturan" }).click();
  await page.getByRole("heading", { name: "Jeda pengiriman" }).waitFor();
  await page.screenshot({ path: `${out}/8-settings.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("link", { name: "WhatsApp Sessions" }).click({ force: true }).catch(() => {});
  await page.goto(`${url}/admin/sessions`);
  await page.locator(".session-card").waitFor();
  await page.screenshot({ path: `${out}/9-phone.png`, fullPage: true });
} finally {
  await browser.close();
  await api.cleanup();
}
