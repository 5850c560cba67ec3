import { readFileSync } from "node:fs";
import { Agent, type RequestOptions } from "node:https";
import type { Duplex } from "node:stream";
import type { MediaHostInfo } from "./media-host.js";

/** WhatsApp's media hosts (`mmg.whatsapp.net`, `media-*.cdn.whatsapp.net`, …) all end in this. */
const WHATSAPP_MEDIA_SUFFIX = ".whatsapp.net";

/**
 * An HTTPS agent whose connections to WhatsApp's media host names go to the simulator's media host
 * instead, still presenting the real host name (SNI) and checking the certificate against it, with
 * the simulator's CA as the only trusted root for those connections. Other hosts are untouched.
 */
export function mediaRedirectAgent(media: MediaHostInfo): Agent {
  const target = new URL(media.url);
  const ca = readFileSync(media.caPath, "utf8");
  class RedirectingAgent extends Agent {
    override createConnection(
      options: RequestOptions,
      callback?: (err: Error | null, stream: Duplex) => void,
    ): Duplex | null | undefined {
      const host = options.hostname ?? options.host ?? "";
      if (!host.endsWith(WHATSAPP_MEDIA_SUFFIX)) return super.createConnection(options, callback);
      const redirected = {
        ...options,
        host: target.hostname,
        port: Number(target.port),
        servername: host,
        ca,
      };
      return super.createConnection(redirected, callback);
    }
  }
  return new RedirectingAgent({ keepAlive: true });
}
