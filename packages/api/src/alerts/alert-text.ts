/** The words of an alert e-mail, Indonesian first (the organiser's language) and English. */
import type { AlertKind, AlertRecord } from "../kabar.js";

type Language = "id" | "en";

const TITLES: Record<Language, Record<AlertKind, string>> = {
  id: {
    logged_out: "WhatsApp dikeluarkan dari ponsel",
    qr_needed: "WhatsApp perlu dipindai ulang (QR)",
    banned: "Nomor WhatsApp diblokir",
    client_too_old: "Versi WhatsApp Kabar terlalu lama",
    replaced: "Sesi WhatsApp dibuka di tempat lain",
    disconnected: "WhatsApp terputus terlalu lama",
    outbox_paused: "Pengiriman pesan dijeda",
    storage_problem: "Folder wa_sessions/ tidak bisa ditulisi",
    test: "Tes peringatan Kabar",
  },
  en: {
    logged_out: "WhatsApp was logged out from the phone",
    qr_needed: "WhatsApp needs a new QR scan",
    banned: "The WhatsApp number is banned",
    client_too_old: "Kabar's WhatsApp client is too old",
    replaced: "The WhatsApp session was opened elsewhere",
    disconnected: "WhatsApp has been disconnected too long",
    outbox_paused: "Sending is paused",
    storage_problem: "The wa_sessions/ folder refuses writes",
    test: "Kabar test alert",
  },
};

const WORDS: Record<Language, { cleared: string; reason: string; open: string; at: string; test: string }> = {
  id: {
    cleared: "Pulih",
    reason: "Alasan",
    open: "Buka halaman sesi",
    at: "Waktu",
    test: "Ini pesan tes: e-mail peringatan sampai ke alamat ini.",
  },
  en: {
    cleared: "Recovered",
    reason: "Reason",
    open: "Open the session page",
    at: "Time",
    test: "This is a test: alert e-mails reach this address.",
  },
};

export function alertEmail(
  alert: AlertRecord,
  language: Language,
  publicUrl: string | undefined,
): { subject: string; text: string } {
  const words = WORDS[language];
  const title = TITLES[language][alert.kind];
  const subject = alert.phase === "cleared" ? `[Kabar] ${words.cleared}: ${title}` : `[Kabar] ${title}`;
  const link = publicUrl ? `${publicUrl.replace(/\/+$/, "")}/admin/sessions` : null;
  const lines = [
    alert.phase === "cleared" ? `${words.cleared}: ${title}` : title,
    ...(alert.kind === "test" ? [words.test] : []),
    ...(alert.reason ? [`${words.reason}: ${alert.reason}`] : []),
    `${words.at}: ${alert.at}`,
    ...(link ? [`${words.open}: ${link}`] : []),
  ];
  return { subject, text: `${lines.join("\n")}\n` };
}
