import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-kabar-signature";
export const TIMESTAMP_HEADER = "x-kabar-timestamp";
export const EVENT_HEADER = "x-kabar-event";

/**
 * HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret, as "sha256=<hex>". The timestamp
 * is signed too so a receiver can refuse replays of old deliveries.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does (shown in the README); used by our tests. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
