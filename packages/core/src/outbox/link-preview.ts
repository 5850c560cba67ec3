/**
 * Link previews, built by us instead of by Baileys (which fetches any URL of a text: an API caller could
 * make the server read an internal page and send its title to anyone). Only when the setting is on,
 * only https, only hosts whose every address is public (resolved first, and the connection pinned to
 * the checked address so a second lookup cannot swap it), 3 s in all, at most 512 KB read, no redirects.
 */
import { lookup } from "node:dns/promises";
import https from "node:https";
import { isIP } from "node:net";
import { isPublicAddress } from "../network/public-address.js";
import type { LinkPreview } from "../whatsapp/port.js";

export { isPublicAddress };

export interface LinkPreviewOptions {
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
  isAllowedAddress?: (address: string) => boolean;
  timeoutMs?: number;
  maxBytes?: number;
  /** Extra trusted CA (tests with a local certificate). */
  ca?: string;
}

const URL_PATTERN = /https:\/\/[^\s<>"']+/i;

/** The preview of the text's first https URL, or null: no URL, a refused host, or nothing usable. */
export async function buildLinkPreview(
  text: string,
  options: LinkPreviewOptions = {},
): Promise<LinkPreview | null> {
  const matchedText = URL_PATTERN.exec(text)?.[0];
  if (matchedText === undefined) return null;
  let url: URL;
  try {
    url = new URL(matchedText);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "") return null;
  const timeoutMs = options.timeoutMs ?? 3000;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    const addresses = isIP(hostname)
      ? [{ address: hostname, family: isIP(hostname) }]
      : await (options.resolve ?? ((name) => lookup(name, { all: true })))(hostname);
    const isAllowed = options.isAllowedAddress ?? isPublicAddress;
    const [first] = addresses;
    // Every address must be public: a name with one public and one private address is refused.
    if (first === undefined || !addresses.every((entry) => isAllowed(entry.address))) return null;
    const html = await fetchHtml(url, first, options.maxBytes ?? 512 * 1024, deadline.signal, options.ca);
    if (html === null) return null;
    const title = metaContent(html, "og:title") ?? titleTag(html);
    if (!title) return null;
    const description = metaContent(html, "og:description") ?? metaContent(html, "description");
    return { matchedText, canonicalUrl: url.href, title, ...(description ? { description } : {}) };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function fetchHtml(
  url: URL,
  pinned: { address: string; family: number },
  maxBytes: number,
  signal: AbortSignal,
  ca: string | undefined,
): Promise<string | null> {
  return new Promise((resolve) => {
    const request = https.get(
      url,
      {
        signal,
        headers: { accept: "text/html", "user-agent": "Kabar link preview" },
        // The connection goes to the address that was checked, never to a fresh lookup's answer.
        lookup: (_hostname, options, callback) => {
          if (options.all) callback(null, [pinned]);
          else callback(null, pinned.address, pinned.family);
        },
        ...(ca === undefined ? {} : { ca }),
      },
      (response) => {
        const type = response.headers["content-type"] ?? "";
        if (response.statusCode !== 200 || !type.includes("text/html")) {
          response.destroy();
          resolve(null);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          const room = maxBytes - size;
          chunks.push(chunk.subarray(0, Math.max(0, room)));
          size += chunk.length;
          // The cap: what arrived so far is all that is read; a huge page cannot fill the memory.
          if (size >= maxBytes) {
            response.destroy();
            resolve(Buffer.concat(chunks).toString("utf8"));
          }
        });
        response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        response.on("error", () => resolve(null));
      },
    );
    request.on("error", () => resolve(null));
  });
}

function metaContent(html: string, name: string): string | null {
  const tags = html.match(/<meta\b[^>]*>/gi) ?? [];
  for (const tag of tags) {
    const key = /\b(?:property|name)\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (key?.toLowerCase() !== name) continue;
    const content = /\bcontent\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1];
    if (content) return clean(content);
  }
  return null;
}

function titleTag(html: string): string | null {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1];
  return title ? clean(title) : null;
}

function clean(value: string): string {
  return value
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
}
