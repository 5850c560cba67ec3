import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Only this digest of a cookie value or API token is stored, so a leaked database logs nobody in. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export const API_TOKEN_PREFIX = "kabar_";
/** How much of a token is kept in clear so a list can tell tokens apart. */
export const VISIBLE_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 6;

/** Compares two secrets in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(Buffer.from(sha256(given)), Buffer.from(sha256(expected)));
}
