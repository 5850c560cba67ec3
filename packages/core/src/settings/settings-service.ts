import type { PrismaClient } from "@kabar/db";
import type { z } from "zod";
import type { ChangeFeed, Settings, SettingsService } from "../contract.js";
import { InvalidInputError } from "../errors.js";
import { assertSupportedCountry, isSupportedCountryCode } from "../phone/normalize-phone-number.js";
import { parseInput } from "../session/parse-input.js";
import { type SettingsInput, settingsInput } from "../schemas.js";

/**
 * Defaults chosen against bans for a fresh number: 1–3 s between messages, one minute between
 * two messages to the same person, at most 1000 a day. A checkOnWhatsApp lookup costs a query
 * per new number, so it is opt-in.
 */
export const DEFAULT_SETTINGS: Settings = {
  minGapMs: 1000,
  maxGapMs: 3000,
  perRecipientGapMs: 60_000,
  dailyCap: 1000,
  defaultCountry: "ID",
  checkOnWhatsApp: false,
  optOutKeywords: ["STOP", "BERHENTI", "UNSUBSCRIBE"],
  optInKeywords: ["MULAI", "START"],
  optOutReply: "Kamu tidak akan menerima pesan lagi dari nomor ini. Kirim MULAI untuk berlangganan kembali.",
  optInReply: "Kamu akan menerima pesan lagi dari nomor ini. Kirim BERHENTI untuk berhenti.",
  alertLanguage: "id",
  alertDisconnectedMs: 5 * 60_000,
  // 8 attempts whose backoff (30 s doubling, capped at 30 min) spans just over an hour.
  maxAttempts: 8,
  holdsBeforePause: 5,
  holdsWindowMs: 10 * 60_000,
  linkPreviews: false,
  timeZone: "Asia/Jakarta",
};

const SETTING_KEYS = [
  "minGapMs",
  "maxGapMs",
  "perRecipientGapMs",
  "dailyCap",
  "defaultCountry",
  "checkOnWhatsApp",
  "optOutKeywords",
  "optInKeywords",
  "optOutReply",
  "optInReply",
  "alertLanguage",
  "alertDisconnectedMs",
  "maxAttempts",
  "holdsBeforePause",
  "holdsWindowMs",
  "linkPreviews",
  "timeZone",
] as const satisfies readonly (keyof Settings)[];

/** The stored form: every key filled, so a row written by an older version still reads. */
const storedSettings = settingsInput.required();

export interface SettingsStore extends SettingsService {
  /** Cached copy for the worker, which reads settings before every message. */
  current(): Settings;
  /** Fires after every successful update. */
  onChange(listener: (settings: Settings) => void): () => void;
}

/**
 * Settings live in the Setting table (one JSON value per key) so the panel can edit them;
 * `overrides` (KabarOptions.settings) win over stored values, e.g. pacing off in tests.
 * In a cluster, an update on any node is announced on `changes` and every node re-reads.
 */
export async function createSettingsStore(
  db: PrismaClient,
  overrides: Partial<Settings> = {},
  changes?: ChangeFeed,
): Promise<SettingsStore> {
  const listeners = new Set<(settings: Settings) => void>();
  let cached = withOverrides(await readStored(db), overrides);
  const publish = (settings: Settings) => {
    cached = settings;
    for (const listener of listeners) listener(cached);
  };
  // Counts reads and writes: a re-read that a newer one overtook is not kept.
  let version = 0;
  changes?.on("settings", () => {
    const reading = ++version;
    readStored(db)
      .then((stored) => {
        if (reading === version) publish(withOverrides(stored, overrides));
      })
      .catch(() => undefined);
  });

  return {
    current: () => cached,
    async get() {
      return cached;
    },
    async update(input: SettingsInput) {
      const parsed = parseInput(settingsInput, input);
      // "XX" has the shape of a country code but no phone metadata: it would break every send.
      if (parsed.defaultCountry !== undefined) assertSupportedCountry(parsed.defaultCountry);
      const next = { ...(await readStored(db)), ...stripUndefined(parsed) };
      if (next.minGapMs > next.maxGapMs) {
        throw new InvalidInputError(
          "maxGapMs",
          `maxGapMs (${next.maxGapMs}) must be at least minGapMs (${next.minGapMs})`,
        );
      }
      await db.$transaction(
        SETTING_KEYS.map((key) =>
          db.setting.upsert({
            where: { key },
            create: { key, value: JSON.stringify(next[key]) },
            update: { value: JSON.stringify(next[key]) },
          }),
        ),
      );
      version += 1;
      publish(withOverrides(next, overrides));
      changes?.announce("settings");
      return cached;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

async function readStored(db: PrismaClient): Promise<Settings> {
  const rows = await db.setting.findMany({ select: { key: true, value: true } });
  const shape: Record<string, z.ZodType> = storedSettings.shape;
  const values: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of rows) {
    // A value the current schema rejects (hand-edited, older version) falls back to the default.
    const parsed = shape[row.key]?.safeParse(safeJson(row.value));
    if (parsed?.success) values[row.key] = parsed.data;
  }
  const stored = storedSettings.parse(values);
  // An older version stored any two capitals; one with no phone metadata would fail every send.
  return isSupportedCountryCode(stored.defaultCountry)
    ? stored
    : { ...stored, defaultCountry: DEFAULT_SETTINGS.defaultCountry };
}

function withOverrides(settings: Settings, overrides: Partial<Settings>): Settings {
  return { ...settings, ...stripUndefined(overrides) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
