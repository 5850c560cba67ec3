/**
 * The panel end to end, in a real Chromium against the real server in simulated-WhatsApp mode:
 * log in → add a session → QR modal → the phone scans the QR the page shows → connected → send a test
 * message → delivered, and the contact decrypted the same text → a failed message resent → another client
 * takes the device over (replaced) → "Use this server" → the phone logs out → logged out and
 * "Show QR Code" → re-link (with the panel's simulated-phone button). Screenshots of the key screens in both languages go to screenshots/.
 * Every wait is on the page's own state (selectors, text), never on time.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { en } from "../src/i18n/en";
import { id } from "../src/i18n/id";
import { type PanelUnderTest, screenshotsDir, startPanelUnderTest } from "./support/panel-under-test";
import { simulatorControl } from "./support/simulator-control";
import type { RunningKabar } from "./support/start-kabar";

const recipient = "6281299990000";
const coldRecipient = "6281299990002";
const coldText = "Nomor BIB kamu 1234, simpan pesan ini";
const cancelText = "Pesan ini dibatalkan";
const notOnWhatsApp = "6281299990001";
const resendText = "Nomor ini belum terdaftar di WhatsApp";
const testText = "Halo dari Kabar! Pengambilan race pack hari Sabtu 07:00, sampai jumpa!";
const imageCaption = "Peta rute 10K";
// Another number than the text's: the default 60 s gap per recipient would hold the image back.
const imageRecipient = "6281299990006";
// A JPEG as the simulated phone checks it: the file's bytes, not a real picture.
const routeMap = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.alloc(2048, 9),
  Buffer.from([0xff, 0xd9]),
]);

let panel: PanelUnderTest | undefined;
let kabar: RunningKabar | undefined;
let page: Page;

beforeAll(async () => {
  panel = await startPanelUnderTest();
  kabar = panel.kabar;
  page = panel.page;
});

afterAll(async () => {
  await panel?.close();
});

function running(): RunningKabar {
  if (kabar === undefined) throw new Error("the server did not start");
  return kabar;
}

async function shoot(name: string, locale: "id" | "en", fullPage = false) {
  await page.screenshot({ path: path.join(screenshotsDir, `${name}.${locale}.png`), fullPage });
}

async function switchLanguage(to: "id" | "en") {
  const from = to === "en" ? id : en;
  await page.getByRole("button", { name: from.app.switchToLabel }).click();
  await page.locator(`html[lang="${to}"]`).waitFor({ state: "attached" });
}

const dialog = () => page.getByRole("dialog");
const qrImage = () => dialog().locator("img[data-qr-value]");
const sessionState = (state: string) => page.locator(`.session-card [data-state="${state}"]`);

/** Reads the QR string the page renders, and has the simulated phone scan it. */
async function scanShownQr(): Promise<string> {
  await qrImage().waitFor();
  const qr = await qrImage().getAttribute("data-qr-value");
  if (qr === null || qr === "") throw new Error("the QR image carries no QR string");
  expect(await qrImage().getAttribute("src")).toMatch(/^data:image\/png;base64,/);
  await simulatorControl(running().simulatorControlUrl).scan(qr);
  return qr;
}

describe("admin panel against the simulated WhatsApp", () => {
  it("links, sends, survives a logout from the phone and re-links", async () => {
    const server = running();
    // What the page showed when a wait gave up (git ignores *.tmp.png).
    onTestFailed(async () => {
      await page.screenshot({ path: path.join(screenshotsDir, "failure.tmp.png"), fullPage: true });
    });
    const phone = simulatorControl(server.simulatorControlUrl);

    // Log in (Indonesian by default).
    await page.goto(server.url);
    await page.getByRole("heading", { name: id.auth.loginTitle }).waitFor();
    await shoot("login", "id");
    await page.getByLabel(id.auth.password, { exact: true }).fill(server.adminPassword);
    await page.getByRole("button", { name: id.auth.login, exact: true }).click();
    await page.getByRole("heading", { name: id.dashboard.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/dashboard");
    await page.getByText(id.app.simulatedBanner).waitFor();

    // The empty sessions screen, in both languages.
    await page.getByRole("link", { name: id.nav.sessions }).click();
    await page.getByRole("heading", { name: id.sessions.emptyTitle }).waitFor();
    await shoot("sessions", "id");
    await switchLanguage("en");
    await page.getByRole("heading", { name: en.sessions.emptyTitle }).waitFor();
    await shoot("sessions", "en");
    await switchLanguage("id");

    // The form: the shared schemas' messages under the fields, then a valid session.
    await page.getByRole("button", { name: id.sessions.add }).click();
    await page.getByRole("button", { name: id.sessions.create }).click();
    await page.getByText(id.validation.sessionId ?? "").waitFor();
    await page.getByLabel(id.sessions.sessionId, { exact: true }).fill("Bukan Valid!");
    await shoot("session-form", "id");
    await page.getByLabel(id.sessions.name, { exact: true }).fill("Lari Pagi Jakarta");
    await page.getByLabel(id.sessions.sessionId, { exact: true }).fill("lari_pagi");
    await page.getByLabel(id.sessions.phoneNumber, { exact: true }).fill("6281200000001");
    await page.getByLabel(id.sessions.description, { exact: true }).fill("Notifikasi peserta lomba lari");
    await page.getByRole("button", { name: id.sessions.create }).click();

    // The QR modal opens by itself; the phone scans the QR the page shows.
    await dialog().getByRole("heading", { name: id.qr.title }).waitFor();
    await qrImage().waitFor();
    await dialog().getByText(id.qr.step2).waitFor();
    await shoot("qr-modal", "id");
    const firstQr = await scanShownQr();

    // The modal closes itself and the status reads connected, with the linked number.
    await dialog().waitFor({ state: "detached" });
    await sessionState("connected").waitFor();
    await page.getByText(id.qr.connectedTitle).waitFor();
    await page.locator(".session-card").getByText("6281200000001").first().waitFor();
    await page.getByText(id.sessions.onlyOne.slice(0, 20)).waitFor();
    await expect(page.getByRole("button", { name: id.sessions.add }).count()).resolves.toBe(0);
    // wa_sessions/ takes writes here: the credentials warning must not show (nor take room).
    await expect(page.getByText(id.sessions.storageProblemTitle).count()).resolves.toBe(0);
    // The server sends codes and the panel says them in Indonesian; WhatsApp's 515 right after
    // pairing is the normal restart of every link, not a disconnect to show.
    await page
      .locator(".session-card .details")
      .getByText(id.sessionReasons.connected, { exact: true })
      .waitFor();
    const card = (await page.locator(".session-card").textContent()) ?? "";
    expect(card).not.toMatch(/515|Stream Errored|restart required|Connected/);
    await shoot("connected", "id");

    // Edit the session; deleting the default one is refused with the reason.
    await page.getByRole("button", { name: id.sessions.edit, exact: true }).click();
    await page
      .getByLabel(id.sessions.description, { exact: true })
      .fill("Pengingat race pack dan hasil lomba");
    await page.getByRole("button", { name: id.sessions.save, exact: true }).click();
    await page.locator(".session-card").getByText("Pengingat race pack dan hasil lomba").waitFor();
    await page.getByRole("button", { name: id.sessions.delete, exact: true }).click();
    await page.getByText(id.sessions.deleteRefused.replace("{name}", "Lari Pagi Jakarta")).waitFor();
    await sessionState("connected").waitFor();

    // A test message: delivered in the panel, and the contact decrypted the same text.
    await page.getByRole("link", { name: id.nav.messages }).click();
    await page.getByLabel(id.messages.to, { exact: true }).fill(recipient);
    await page.getByLabel(id.messages.text, { exact: true }).fill(testText);
    await page.getByRole("button", { name: id.messages.send, exact: true }).click();
    const sent = page.locator("li.message", { hasText: testText });
    await sent.locator(".message-head .status-delivered, .message-head .status-read").waitFor();
    await sent.locator("summary").click();
    await sent.locator(".timeline .status-delivered").waitFor();
    const received = await phone.messagesOf(recipient);
    expect(received.map((message) => message.text)).toContain(testText);

    // An image through the file input: the contact decrypts the same file with the caption.
    await page.getByLabel(id.messages.to, { exact: true }).fill(imageRecipient);
    await page
      .getByLabel(id.messages.file, { exact: true })
      .setInputFiles({ name: "peta-rute.jpg", mimeType: "image/jpeg", buffer: routeMap });
    await page.getByLabel(id.messages.caption, { exact: true }).fill(imageCaption);
    await page.getByRole("button", { name: id.messages.send, exact: true }).click();
    const image = page.locator("li.message", { hasText: imageCaption });
    await image.locator(".message-head .status-delivered, .message-head .status-read").waitFor();
    const withImage = (await phone.messagesOf(imageRecipient)).find(
      (message) => message.media?.caption === imageCaption,
    );
    expect(withImage?.media).toEqual({
      type: "image",
      mimeType: "image/jpeg",
      caption: imageCaption,
      size: routeMap.byteLength,
      sha256: createHash("sha256").update(routeMap).digest("hex"),
    });
    await shoot("messages", "id", true);
    await switchLanguage("en");
    await page.getByRole("heading", { name: en.messages.sendTitle }).waitFor();
    await shoot("messages", "en", true);

    // A number not on WhatsApp fails once the setting asks to check; resend delivers once it does not.
    await page.getByRole("link", { name: en.nav.settings }).click();
    await page.getByLabel(en.settings.checkOnWhatsApp, { exact: true }).check();
    await page.getByRole("button", { name: en.settings.save, exact: true }).click();
    await page.getByText(en.settings.saved).waitFor();
    await shoot("settings", "en");
    await phone.setOnWhatsApp(notOnWhatsApp, false);
    await page.getByRole("link", { name: en.nav.messages }).click();
    await page.getByLabel(en.messages.to, { exact: true }).fill(notOnWhatsApp);
    await page.getByLabel(en.messages.text, { exact: true }).fill(resendText);
    await page.getByRole("button", { name: en.messages.send, exact: true }).click();
    const failed = page.locator("li.message", { hasText: resendText });
    await failed.locator(".message-head .status-failed").waitFor();
    // The number joins WhatsApp; core cached the old answer, so stop checking, then resend.
    await phone.setOnWhatsApp(notOnWhatsApp, true);
    await page.getByRole("link", { name: en.nav.settings }).click();
    await page.getByLabel(en.settings.checkOnWhatsApp, { exact: true }).uncheck();
    await page.getByRole("button", { name: en.settings.save, exact: true }).click();
    await page.getByText(en.settings.saved).waitFor();
    await page.getByRole("link", { name: en.nav.messages }).click();
    await failed.getByRole("button", { name: en.messages.resend }).click();
    await failed.locator(".message-head .status-delivered, .message-head .status-read").waitFor();
    expect((await phone.messagesOf(notOnWhatsApp)).map((message) => message.text)).toContain(resendText);

    // The answers the check cached, per number; one cleared.
    await page.getByRole("link", { name: en.nav.settings }).click();
    const answer = page.locator(`li[data-number="${notOnWhatsApp}"]`);
    await answer.getByText(`${en.onWhatsApp.answer}: ${en.onWhatsApp.no}`).waitFor();
    await answer.getByRole("button", { name: en.onWhatsApp.clear }).click();
    await answer.waitFor({ state: "detached" });

    // A cold recipient: held with the wa.me link, delivered by itself once they write.
    await phone.addColdContact(coldRecipient);
    await page.getByRole("link", { name: en.nav.messages }).click();
    await page.getByLabel(en.messages.to, { exact: true }).fill(coldRecipient);
    await page.getByLabel(en.messages.text, { exact: true }).fill(coldText);
    await page.getByRole("button", { name: en.messages.send, exact: true }).click();
    const held = page.locator("li.message", { hasText: coldText });
    await held.locator(".message-head .status-held").waitFor();
    expect(await held.locator("a[data-hold-link]").getAttribute("href")).toBe(
      "https://wa.me/6281200000001?text=Halo",
    );
    await held.getByText(en.messages.holdLink).waitFor();
    await shoot("message-held", "en", true);
    await phone.contactWrites(coldRecipient, "Halo, saya peserta");
    await held.locator(".message-head .status-delivered, .message-head .status-read").waitFor();
    expect((await phone.messagesOf(coldRecipient)).map((message) => message.text)).toContain(coldText);

    // Pause the outbox by hand: a message waits queued, is cancelled, and resume sends nothing of it.
    await page.getByLabel(en.outbox.reason, { exact: true }).fill("race postponed");
    await page.getByRole("button", { name: en.outbox.pause, exact: true }).click();
    await page.getByText(en.outbox.paused.replace("{reason}", "race postponed")).waitFor();
    await page.getByLabel(en.messages.to, { exact: true }).fill(recipient);
    await page.getByLabel(en.messages.text, { exact: true }).fill(cancelText);
    await page.getByRole("button", { name: en.messages.send, exact: true }).click();
    const cancelled = page.locator("li.message", { hasText: cancelText });
    await cancelled.locator(".message-head .status-queued").waitFor();
    await cancelled.getByRole("button", { name: en.messages.cancel }).click();
    await cancelled.locator(".message-head .status-cancelled").waitFor();
    await shoot("outbox-paused", "en");
    await page.getByRole("button", { name: en.outbox.resume, exact: true }).click();
    await page.getByText(en.outbox.running).waitFor();
    expect((await phone.messagesOf(recipient)).map((message) => message.text)).not.toContain(cancelText);

    // An API token: shown once, listed, revoked.
    await page.getByRole("link", { name: en.nav.tokens }).click();
    await page.getByLabel(en.tokens.name, { exact: true }).fill("registration app");
    await page.getByLabel(en.tokens.scope, { exact: true }).selectOption("read");
    await page.getByRole("button", { name: en.tokens.create, exact: true }).click();
    await page.getByText(en.tokens.createdOnce).waitFor();
    // The scope the admin picked is shown on the token's row.
    await page.locator("li.token", { hasText: "registration app" }).locator('[data-scope="read"]').waitFor();
    expect(await page.locator(".token-once code").textContent()).not.toBe("");
    await shoot("tokens", "en");
    await page
      .locator("li.token", { hasText: "registration app" })
      .getByRole("button", { name: en.tokens.revoke })
      .click();
    await page.locator("li.token", { hasText: "registration app" }).getByText(en.tokens.revoked).waitFor();

    await page.getByRole("link", { name: en.nav.sessions }).click();
    await sessionState("connected").waitFor();
    // the version the socket announced, looked up from the simulator's sw.js
    await page.locator(".session-card").getByText(`(${en.sessions.waWebVersionSource.live})`).waitFor();
    await shoot("connected", "en");

    // Another client takes the device over: the panel says so and offers "Use this server".
    await phone.replaceConnection();
    await sessionState("replaced").waitFor();
    await page.getByText(en.sessions.replacedTitle).waitFor();
    await shoot("replaced", "en");
    await page.getByRole("button", { name: en.sessions.useThisServer }).click();
    await sessionState("connected").waitFor();
    await expect(page.getByText(en.sessions.replacedTitle).count()).resolves.toBe(0);

    // The phone removes the linked device: the panel says logged out and offers the QR again.
    await phone.logout();
    await sessionState("logged_out").waitFor();
    const showQr = page.getByRole("button", { name: en.sessions.showQr });
    await showQr.waitFor();
    await shoot("logged-out", "en");

    // Re-link with a fresh QR.
    await showQr.click();
    await dialog().getByRole("heading", { name: en.qr.title }).waitFor();
    await qrImage().waitFor();
    await dialog().getByText(en.qr.step2).waitFor();
    await shoot("qr-modal", "en");
    // This time through the panel's own "scan with the simulated phone" button.
    const secondQr = await qrImage().getAttribute("data-qr-value");
    expect(secondQr).not.toBe(firstQr);
    await dialog().getByRole("button", { name: en.qr.simulatedScan }).click();
    await dialog().waitFor({ state: "detached" });
    await sessionState("connected").waitFor();

    // The same screen at phone width.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: en.app.openMenu }).waitFor();
    await shoot("connected-phone", "en");
  });

  it("Kotak Masuk: a contact's 3 messages in order under its number; a reply typed here decrypts at the contact", async () => {
    const server = running();
    onTestFailed(async () => {
      await page.screenshot({ path: path.join(screenshotsDir, "failure-inbox.tmp.png"), fullPage: true });
    });
    const phone = simulatorControl(server.simulatorControlUrl);
    // not main's coldRecipient (…0002), who wrote once in the first test
    const contact = "6281299990004";
    const texts = ["Halo panitia", "Saya ikut 10K", "Jam berapa start?"];
    const reply = "Start jam 05.30 WIB, sampai jumpa!";
    await page.setViewportSize({ width: 1280, height: 860 });
    await switchLanguage("id");
    await phone.setOnWhatsApp(contact, true);
    for (const text of texts) await phone.contactWrites(contact, text);

    await page.getByRole("link", { name: id.nav.inbox }).click();
    await page.getByRole("heading", { name: id.inbox.title }).waitFor();
    const entry = page.locator(".inbox-contact", { hasText: `+${contact}` });
    await entry.locator('[data-unread="3"]').waitFor();
    await entry.click();
    const bubbles = page.locator(".inbox-thread .bubble-in > span:first-child");
    await bubbles.nth(2).waitFor();
    expect(await bubbles.allTextContents()).toEqual(texts);
    // opened = read: the unread badge goes
    await entry.locator("[data-unread]").waitFor({ state: "detached" });

    await page.getByLabel(id.inbox.reply, { exact: true }).fill(reply);
    await page.getByRole("button", { name: id.inbox.send, exact: true }).click();
    await page.locator(".inbox-thread .bubble-out", { hasText: reply }).waitFor();
    await shoot("inbox", "id");
    await expect
      .poll(async () => (await phone.messagesOf(contact)).map((message) => message.text), { timeout: 30_000 })
      .toContain(reply);
    await switchLanguage("en");
    await page.getByRole("heading", { name: en.inbox.title }).waitFor();
    await shoot("inbox", "en");

    // The opt-out page: add a number, see it listed, remove it; the test alert goes out (webhooks only here).
    await page.getByRole("link", { name: en.nav.optOuts }).click();
    await page.getByLabel(en.optOuts.phone, { exact: true }).fill("0812 9999 0003");
    await page.getByRole("button", { name: en.optOuts.add, exact: true }).click();
    const listed = page.locator(".plain-list .row", { hasText: "+6281299990003" });
    await listed.waitFor();
    await listed.getByRole("button", { name: en.optOuts.remove }).click();
    await listed.waitFor({ state: "detached" });
    await page.getByLabel(en.autoReplies.keyword, { exact: true }).fill("info");
    await page.getByLabel(en.autoReplies.reply, { exact: true }).fill("Race: Sunday 05.30");
    await page.getByRole("button", { name: en.autoReplies.save, exact: true }).click();
    await page.locator(".plain-list .row", { hasText: "INFO" }).waitFor();
    await shoot("opt-outs", "en", true);
    await page.getByRole("link", { name: en.nav.settings }).click();
    await page.getByRole("button", { name: en.alerts.sendTest }).click();
    await page.getByText(en.alerts.sentWebhookOnly).waitFor();
    // Opt-out words: an empty list is refused under the field, a new list and the alert language saved.
    const replyForm = page.locator("form", {
      has: page.getByRole("heading", { name: en.replySettings.title }),
    });
    await replyForm.getByLabel(en.replySettings.optOutKeywords, { exact: true }).fill(" , ");
    await replyForm.getByRole("button", { name: en.replySettings.save, exact: true }).click();
    await replyForm.locator('[aria-invalid="true"][name="optOutKeywords"]').waitFor();
    await replyForm.getByLabel(en.replySettings.optOutKeywords, { exact: true }).fill("STOP, BERHENTI, UDAH");
    await replyForm.getByLabel(en.replySettings.alertLanguage).selectOption("en");
    await replyForm.getByRole("button", { name: en.replySettings.save, exact: true }).click();
    await replyForm.getByText(en.settings.saved).waitFor();
    await shoot("settings-alerts", "en", true);
  });
  it("Siaran: upload a list, see the preview and the bad rows, start, and the progress reaches completed", async () => {
    const server = running();
    onTestFailed(async () => {
      await page.screenshot({
        path: path.join(screenshotsDir, "failure-broadcasts.tmp.png"),
        fullPage: true,
      });
    });
    const phone = simulatorControl(server.simulatorControlUrl);
    const participants = ["6281299990011", "6281299990012", "6281299990013"];
    for (const number of participants) await phone.setOnWhatsApp(number, true);
    const csv = [
      "\uFEFFnama;No. HP;bib",
      `Budi;0${participants[0]?.slice(2)};A-101`,
      `Siti;+${participants[1]};A-102`,
      "Tono;12345;A-103",
      `Ani;${participants[2]};A-104`,
    ].join("\r\n");
    await switchLanguage("id");
    await page.getByRole("link", { name: id.nav.broadcasts }).click();
    await page.getByRole("heading", { name: id.broadcasts.title, level: 1 }).waitFor();
    await page.getByLabel(id.broadcasts.name, { exact: true }).fill("Pengambilan race pack");
    await page.getByLabel(id.broadcasts.template, { exact: true }).fill("Halo {nama}, nomor BIB kamu {bib}.");
    await page.getByLabel(id.broadcasts.file, { exact: true }).setInputFiles({
      name: "peserta.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv, "utf8"),
    });
    await page.getByRole("button", { name: id.broadcasts.upload, exact: true }).click();

    const preview = page.getByTestId("broadcast-preview");
    await preview.getByText("Halo Budi, nomor BIB kamu A-101.").waitFor();
    expect(await preview.locator("li").count()).toBe(3);
    const errors = page.getByTestId("broadcast-errors");
    await errors.getByText(id.broadcasts.problems.bad_number).waitFor();
    expect(await errors.locator("tbody tr td:first-child").allTextContents()).toEqual(["4"]);
    await page.locator('[data-broadcast-status="draft"]').waitFor();
    await shoot("broadcast-check", "id", true);

    await page.getByRole("button", { name: id.broadcasts.start, exact: true }).click();
    await page.locator('[data-broadcast-status="completed"]').waitFor({ timeout: 120_000 });
    const counts = page.getByTestId("broadcast-counts");
    await counts.locator('[data-count="invalid"] strong', { hasText: "1" }).waitFor();
    expect(await page.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("3");
    await shoot("broadcast-completed", "id", true);
    await switchLanguage("en");
    await page.getByRole("heading", { name: en.broadcasts.title, level: 1 }).waitFor();
    await shoot("broadcast-completed", "en", true);
    expect((await phone.messagesOf(participants[1] ?? "")).map((message) => message.text)).toEqual([
      "Halo Siti, nomor BIB kamu A-102.",
    ]);
  });
});
