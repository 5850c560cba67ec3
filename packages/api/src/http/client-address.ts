/**
 * Which address a request comes from, behind TRUST_PROXY proxies. X-Forwarded-For is written left to
 * right, each proxy appending the address it received from: only the entries our own proxies appended
 * can be believed, so the client is read from the right, never the left (which the client writes).
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { z } from "zod";

export interface TrustProxy {
  /** How many proxies stand in front of Kabar (0: none, X-Forwarded-For is ignored). */
  hops: number;
  /** Or: the proxies' own addresses; entries from the right that are one of them are skipped. */
  addresses: string[];
}

const NO_PROXY: TrustProxy = { hops: 0, addresses: [] };

/** `false`/unset = 0 hops; `true` = 1 hop (one reverse proxy, the usual setup); a number; or a comma list of addresses. */
export const trustProxySchema = z
  .string()
  .default("false")
  .transform((value, context): TrustProxy => {
    const text = value.trim().toLowerCase();
    if (text === "false" || text === "0" || text === "no") return NO_PROXY;
    if (text === "true" || text === "yes") return { hops: 1, addresses: [] };
    if (/^\d+$/.test(text)) return { hops: Math.min(Number(text), 32), addresses: [] };
    const addresses = text.split(",").map((entry) => normalise(entry.trim()));
    if (addresses.length > 0 && addresses.every((address) => isIP(address) !== 0))
      return { hops: 0, addresses };
    context.addIssue({
      code: "custom",
      message: "must be false, true (1 hop), a number of proxy hops, or a comma list of proxy IP addresses",
    });
    return z.NEVER;
  });

function normalise(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function isTrustingProxies(trust: TrustProxy): boolean {
  return trust.hops > 0 || trust.addresses.length > 0;
}

export function clientIpOf(req: IncomingMessage, trust: TrustProxy): string {
  const peer = normalise(req.socket.remoteAddress ?? "unknown");
  if (!isTrustingProxies(trust)) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (typeof header === "string" ? header : "")
    .split(",")
    .map((entry) => normalise(entry.trim()))
    .filter((entry) => entry !== "");
  const chain = [...forwarded, peer];
  if (trust.hops > 0) {
    const index = chain.length - 1 - trust.hops;
    // Fewer entries than proxies: the request did not come through them all; believe only the socket.
    return index >= 0 ? (chain[index] ?? peer) : peer;
  }
  let index = chain.length - 1;
  while (index > 0 && trust.addresses.includes(chain[index] ?? "")) index -= 1;
  return chain[index] ?? peer;
}

/** 127.0.0.0/8 and ::1: the machine Kabar runs on. */
export function isLoopbackAddress(address: string): boolean {
  const plain = normalise(address);
  return plain === "::1" || (isIP(plain) === 4 && plain.startsWith("127."));
}
