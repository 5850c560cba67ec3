/**
 * Alert e-mails end to end: the real createKabar on wa-multi-session + Baileys against the simulator,
 * the API's mailer (nodemailer) and a real SMTP server on a free port. One e-mail per incident, one
 * when it clears, none for a flapping socket; the SMTP password appears nowhere.
 * One file, one session: wa-multi-session keeps module-global state.
 */
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Kabar, SessionStatus } from "../../src/kabar.js";
import { simulatedKabar } from "../../src/testing/start-test-server.js";
import { startSmtpSink } from "../support/smtp-sink.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

const SMTP_USER = "alerts@panitia.example";
const SMTP_PASS = "s3cret-smtp-pass";
const PUBLIC_URL = "https://kabar.panitia.example";

let simulator: WhatsAppSimulator;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let api: TestApi<Kabar>;

beforeAll(async () => {
  smtp = await startSmtpSink({ user: SMTP_USER, pass: SMTP_PASS });
  simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  api = await createTestApi<Kabar>({
    kabar: simulatedKabar(simulator),
    env: {
      SMTP_URL: `smtp://${encodeURIComponent(SMTP_USER)}:${SMTP_PASS}@127.0.0.1:${smtp.port}`,
      ALERT_EMAIL_TO: "ketua@panitia.example",
      PUBLIC_URL,
    },
  });
  await api.listen();
}, 60_000);

afterAll(async () => {
  await api?.cleanup();
  await simulator?.close();
  await smtp?.close();
});

function statusReaches(kabar: Kabar, check: (status: SessionStatus) => boolean): Promise<SessionStatus> {
  return new Promise((resolve) => {
    const off = kabar.events.on(({ event }) => {
      if (event.type === "session.state" && check(event.status)) {
        off();
        resolve(event.status);
      }
    });
  });
}

async function link(kabar: Kabar): Promise<void> {
  const waitingQr = statusReaches(kabar, (status) => status.state === "waiting_qr");
  await kabar.sessions.connect();
  const { qr } = await waitingQr;
  const connected = statusReaches(kabar, (status) => status.state === "connected");
  await simulator.phone.scan(qr?.value ?? "");
  await connected;
}

it("the panel's test alert arrives by SMTP; a send token may neither send it nor read the status; the password is never shown", async () => {
  await expect(api.app().alerts.sendTest()).rejects.toMatchObject({ code: "FORBIDDEN" });
  const result = await api.admin().alerts.sendTest();
  expect(result).toMatchObject({ emailed: true, email: { to: "ketua@panitia.example" } });
  const [mail] = await smtp.waitFor(1);
  expect(mail).toMatchObject({
    from: SMTP_USER,
    to: ["ketua@panitia.example"],
    subject: "[Kabar] Tes peringatan Kabar",
  });
  await expect(api.app().alerts.status()).rejects.toMatchObject({ code: "FORBIDDEN" });
  const status = await api.admin().alerts.status();
  expect(JSON.stringify([result, status])).not.toContain(SMTP_PASS);
  expect(JSON.stringify(status.email)).toContain("127.0.0.1");
  smtp.mails.length = 0;
});

it("a phone logout: exactly one e-mail with the reason and the panel link; the re-link one recovery e-mail", async () => {
  const kabar = api.kabar;
  await kabar.sessions.create({ name: "Panitia Lari", sessionId: "panitia_lari" });
  await link(kabar);
  expect(smtp.mails).toEqual([]);

  const loggedOut = statusReaches(kabar, (status) => status.state === "logged_out");
  simulator.phone.logout();
  const { reason } = await loggedOut;
  const [incident] = await smtp.waitFor(1);
  expect(incident?.subject).toBe("[Kabar] WhatsApp dikeluarkan dari ponsel");
  expect(incident?.raw).toContain(`Alasan: ${reason}`);
  expect(incident?.raw).toContain(`${PUBLIC_URL}/admin/sessions`);

  await link(kabar);
  const mails = await smtp.waitFor(2);
  expect(mails[1]?.subject).toBe("[Kabar] Pulih: WhatsApp dikeluarkan dari ponsel");
  expect(mails).toHaveLength(2);
  expect(kabar.alerts.open()).toEqual([]);
  smtp.mails.length = 0;
}, 60_000);

it("20 socket drops in a minute give at most one e-mail", async () => {
  const kabar = api.kabar;
  const alertEvents: string[] = [];
  const off = kabar.events.on(({ event }) => {
    if (event.type === "alert") alertEvents.push(`${event.alert.kind}:${event.alert.phase}`);
  });
  const startedAt = Date.now();
  for (let drop = 0; drop < 20; drop += 1) {
    const left = statusReaches(kabar, (status) => status.state !== "connected");
    expect(simulator.faults.drop()).toBe(1);
    await left;
    await statusReaches(kabar, (status) => status.state === "connected");
  }
  off();
  expect(Date.now() - startedAt).toBeLessThan(60_000);
  expect(alertEvents.filter((event) => event.endsWith(":raised")).length).toBeLessThanOrEqual(1);
  // closing waits for the e-mail in flight, so every alert that was going to be mailed has been
  await api.cleanup();
  expect(smtp.mails.length).toBeLessThanOrEqual(1);
}, 90_000);
