import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from "libphonenumber-js/max";
import { InvalidInputError } from "../errors.js";

export const DEFAULT_COUNTRY = "ID";

/**
 * Turns a number as a person types it (+62 812-3456-7890, 0812…, 62812…, 812…) into
 * international digits without "+", e.g. 6281234567890 — the form WhatsApp addresses.
 * Uses the "max" metadata: the smaller default set accepts numbers by length alone.
 */
export function normalizePhoneNumber(input: string, defaultCountry: string = DEFAULT_COUNTRY): string {
  const trimmed = input.trim();
  const country = toCountryCode(defaultCountry);
  // libphonenumber reads the number and ignores what follows ("0812-3456-7890xyz" parses), so a
  // typo would go out to a number nobody checked: only the characters people type in numbers pass.
  if (!/^\+?[0-9\s\-().]+$/.test(trimmed)) {
    throw new InvalidInputError(
      "to",
      `"${input}" is not a valid phone number: only digits, spaces, + - ( ) and . are allowed, e.g. +62 812-3456-7890.`,
    );
  }
  const digits = trimmed.replace(/[\s\-().]/g, "");
  const candidates: string[] = [];
  if (/^[1-9][0-9]+$/.test(digits) && digits.startsWith(getCountryCallingCode(country))) {
    // 62812… is how spreadsheets export Indonesian numbers; read as national it can also look
    // valid (+62 62812…), so the international reading goes first when it is valid.
    candidates.push(`+${digits}`);
  }
  candidates.push(trimmed);
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, country);
    if (parsed?.isValid()) return parsed.number.slice(1);
  }
  throw new InvalidInputError(
    "to",
    `"${input}" is not a valid phone number; use e.g. +62 812-3456-7890 or 0812-3456-7890 (default country ${country}).`,
  );
}

function toCountryCode(value: string): CountryCode {
  if (isSupportedCountry(value)) return value;
  throw new InvalidInputError(
    "defaultCountry",
    `"${value}" is not a country code libphonenumber knows, e.g. ID`,
  );
}
