/**
 * How Baileys reaches WhatsApp's media hosts. It downloads app-state blobs, history sync and media by
 * direct path from a hard-coded `mmg.whatsapp.net` (Utils/messages-media.js `getUrlFromDirectPath`)
 * with axios and the socket config's `options`, and uploads with `fetchAgent`. Both get one HTTPS
 * agent here — the single place where simulated mode differs for media, as WHATSAPP_WS_URL is for
 * the WebSocket. TLS verification stays on: a redirected connection still presents and checks the
 * real host name, and trusts an extra CA only when WHATSAPP_EXTRA_CA names one.
 */
import { readFileSync } from "node:fs";
import { Agent, type RequestOptions } from "node:https";
import type { Duplex } from "node:stream";
import { rootCertificates } from "node:tls";
import type { UserFacingSocketConfig } from "@whiskeysockets/baileys";

/** WhatsApp's media hosts (`mmg.whatsapp.net`, `media-*.cdn.whatsapp.net`, …) all end in this. */
const WHATSAPP_MEDIA_SUFFIX = ".whatsapp.net";

export interface MediaRouting {
  /** WHATSAPP_MEDIA_URL: an https:// host:port every WhatsApp media host name is routed to. */
  url?: string;
  /** WHATSAPP_EXTRA_CA: a PEM file trusted, besides the system's roots, for WhatsApp's media hosts. */
  extraCaPath?: string;
}

export class MediaRoutingError extends Error {
  override name = "MediaRoutingError";
}

function readExtraCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (error) {
    throw new MediaRoutingError(`WHATSAPP_EXTRA_CA: cannot read ${file} (${(error as Error).message})`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new MediaRoutingError(`WHATSAPP_EXTRA_CA: ${file} holds no PEM certificate`);
  }
  return pem;
}

function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:") {
    throw new MediaRoutingError(`WHATSAPP_MEDIA_URL: must be an https:// URL, got ${url}`);
  }
  return { host: parsed.hostname, port: Number(parsed.port || 443) };
}

/** The socket config that routes and trusts as told; empty (Baileys' defaults) when told nothing. */
export function mediaSocketConfig(routing: MediaRouting | undefined): Partial<UserFacingSocketConfig> {
  if (!routing?.url && !routing?.extraCaPath) return {};
  const target = routing.url ? targetOf(routing.url) : null;
  const ca = routing.extraCaPath ? [...rootCertificates, readExtraCa(routing.extraCaPath)] : undefined;
  class WhatsAppMediaAgent extends Agent {
    override createConnection(
      options: RequestOptions,
      callback?: (err: Error | null, stream: Duplex) => void,
    ): Duplex | null | undefined {
      const host = options.hostname ?? options.host ?? "";
      if (!host.endsWith(WHATSAPP_MEDIA_SUFFIX)) return super.createConnection(options, callback);
      return super.createConnection(
        { ...options, ...target, servername: host, ...(ca ? { ca } : {}) },
        callback,
      );
    }
  }
  const agent = new WhatsAppMediaAgent({ keepAlive: true });
  return { options: { httpsAgent: agent }, fetchAgent: agent };
}
