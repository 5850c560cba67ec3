/**
 * Where a webhook may point. Kabar POSTs to the URL and records how it went, so without limits a
 * webhook is a port scanner of Kabar's own network (loopback, private ranges, the cloud metadata
 * service at 169.254.169.254). Non-public addresses are refused at creation and again at the moment
 * of every connection (the address the connection really uses, so a DNS answer that changes after
 * creation cannot slip through); redirects are not followed; URLs with user:pass@ are refused.
 * WEBHOOKS_ALLOW_PRIVATE=true lifts the address rule for receivers on the same network.
 */
import { lookup } from "node:dns";
import { promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPublicAddress } from "@kabar/core";
import { InvalidInputError } from "../kabar.js";

export { isPublicAddress };

export class WebhookTargetError extends Error {}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/** At creation: the URL's form, and every address its name resolves to now. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<void> {
  const url = new URL(raw);
  if (url.username !== "" || url.password !== "") {
    throw new InvalidInputError(
      "url",
      "url must not contain user:password@ credentials; use the signing secret",
    );
  }
  if (allowPrivate) return;
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    throw new InvalidInputError("url", `url: the host ${host} does not resolve`);
  }
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (refused !== undefined) {
    throw new InvalidInputError(
      "url",
      `url points at a non-public address (${refused}): only public receivers are allowed unless WEBHOOKS_ALLOW_PRIVATE=true`,
    );
  }
}

/** dns.lookup, refusing non-public answers: runs at connect time, so it sees the address really used. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, entries) => {
    if (error) return callback(error, "", 0);
    const list = Array.isArray(entries) ? entries : [];
    const refused = list.find((entry) => !isPublicAddress(entry.address));
    if (refused || list.length === 0) {
      return callback(new WebhookTargetError("the receiver's address is not public"), "", 0);
    }
    if (options.all) return callback(null, list);
    const first = list[0];
    return callback(null, first?.address ?? "", first?.family ?? 4);
  });
};

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

/**
 * POSTs and returns the status; the answer's body is never read (it is not ours to show). Throws an
 * Error whose message is safe to store: it names the failure, never the URL or what the receiver said.
 */
export function postWebhook(post: WebhookPost): Promise<number> {
  const url = new URL(post.url);
  const host = hostOf(url);
  if (!post.allowPrivate && isIP(host) && !isPublicAddress(host)) {
    return Promise.reject(new Error("refused: the receiver's address is not public"));
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...post.headers, "content-length": String(Buffer.byteLength(post.body)) },
        timeout: post.timeoutMs,
        ...(post.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${post.timeoutMs} ms`)));
    request.on("error", (error) => reject(new Error(describeFailure(error))));
    request.end(post.body);
  });
}

function describeFailure(error: Error): string {
  if (error instanceof WebhookTargetError) return `refused: ${error.message}`;
  const code = "code" in error && typeof error.code === "string" ? error.code : null;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET" || code === "EPIPE") return "connection closed by the receiver";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the receiver's host does not resolve";
  if (code?.startsWith("ERR_TLS") || code?.includes("CERT")) return `TLS failed (${code})`;
  if (error.message.startsWith("no answer within")) return error.message;
  return code ? `failed (${code})` : "failed";
}
