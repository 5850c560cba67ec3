import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from "libphonenumber-js/max";
import { InvalidInputError } from "../errors.js";
import { PHONE_CHARACTERS } from "../schemas.js";

export const DEFAULT_COUNTRY = "ID";

/**
 * The one phone-number rule of the product: recipients, the session's own number, pairing-code
 * numbers and message search all go through this file, so a form accepted in one place is
 * accepted (and reads the same) in every other.
 */

/**
 * Turns a number as a person types it (+62 812-3456-7890, 0812…, 62812…, 812…) into
 * international digits without "+", e.g. 6281234567890 — the form WhatsApp addresses.
 * Uses the "max" metadata: the smaller default set accepts numbers by length alone.
 */
export function normalizePhoneNumber(
  input: string,
  defaultCountry: string = DEFAULT_COUNTRY,
  field = "to",
): string {
  const trimmed = input.trim();
  const country = toCountryCode(defaultCountry);
  // libphonenumber reads the number and ignores what follows ("0812-3456-7890xyz" parses), so a
  // typo would go out to a number nobody checked: only the characters people type in numbers pass.
  if (!PHONE_CHARACTERS.test(trimmed)) {
    throw new InvalidInputError(
      field,
      `${field}: "${input}" is not a valid phone number: only digits, spaces, + - ( ) and . are allowed, e.g. +62 812-3456-7890.`,
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
    field,
    `${field}: "${input}" is not a valid phone number; use e.g. +62 812-3456-7890 or 0812-3456-7890 (default country ${country}).`,
  );
}

/**
 * What a message search for a number matches in the stored international digits: a whole number
 * in any accepted form reads as it was stored (0812-3456-7890 → 6281234567890); a part of one
 * keeps its digits, with a leading national 0 read as the country code (0812 → 62812).
 */
export function phoneSearchDigits(input: string, defaultCountry: string = DEFAULT_COUNTRY): string {
  try {
    return normalizePhoneNumber(input, defaultCountry);
  } catch (error) {
    if (!(error instanceof InvalidInputError) || error.field !== "to") throw error;
  }
  const digits = input.replace(/\D/g, "");
  const isNational = /^\s*0/.test(input) && !/^\s*00/.test(input);
  return isNational ? `${getCountryCallingCode(toCountryCode(defaultCountry))}${digits.slice(1)}` : digits;
}

export function isSupportedCountryCode(value: string): boolean {
  return isSupportedCountry(value);
}

/** A defaultCountry the phone rule can use: a region libphonenumber has metadata for. */
export function assertSupportedCountry(value: string, field = "defaultCountry"): CountryCode {
  if (isSupportedCountry(value)) return value;
  throw new InvalidInputError(
    field,
    `${field} "${value}" is not a supported country code; use a two-letter ISO 3166 code such as ID, MY or US.`,
  );
}

function toCountryCode(value: string): CountryCode {
  return assertSupportedCountry(value);
}
