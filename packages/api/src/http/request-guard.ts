/**
 * The one check every request passes before tRPC or a REST route sees it (cross-site request
 * forgery): a state-changing request carries JSON or nothing, and one that a browser sent with the
 * admin cookie must come from this origin. Bearer tokens cannot be attached by another site, so
 * they skip the origin check; the content-type rule applies to everyone.
 */
import type { IncomingMessage } from "node:http";
import { ADMIN_COOKIE, readBearer, readCookie } from "../auth/cookies.js";
import { HttpError } from "./json.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface GuardOptions {
  /** Paths whose POST takes multipart/form-data (media uploads); empty until such a route exists. */
  acceptsMultipart(method: string, pathname: string): boolean;
  /** Behind TRUST_PROXY proxies the browser's host may arrive in X-Forwarded-Host. */
  isForwardedHostTrusted: boolean;
}

function mediaTypeOf(req: IncomingMessage): string | null {
  const header = req.headers["content-type"];
  if (!header) return null;
  return (header.split(";")[0] ?? "").trim().toLowerCase();
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) > 0;
  return req.headers["transfer-encoding"] !== undefined;
}

/** The request's own origin as a browser would write it, from the Host header. */
function ownHosts(req: IncomingMessage, isForwardedHostTrusted: boolean): string[] {
  const hosts = [req.headers.host];
  const forwarded = req.headers["x-forwarded-host"];
  if (isForwardedHostTrusted && typeof forwarded === "string") hosts.push(forwarded.split(",")[0]?.trim());
  return hosts.flatMap((host) => (host ? [host.toLowerCase()] : []));
}

/**
 * Whether a browser says this request comes from our own page. `null`: no browser said anything
 * (curl, scripts), which cannot carry a victim's cookie across sites.
 */
export function isSameOrigin(req: IncomingMessage, isForwardedHostTrusted = false): boolean | null {
  const fetchSite = req.headers["sec-fetch-site"];
  if (typeof fetchSite === "string" && fetchSite !== "same-origin" && fetchSite !== "none") return false;
  const origin = req.headers.origin;
  if (typeof origin === "string") {
    if (origin === "null") return false;
    try {
      return ownHosts(req, isForwardedHostTrusted).includes(new URL(origin).host.toLowerCase());
    } catch {
      return false;
    }
  }
  return typeof fetchSite === "string" ? true : null;
}

function refuse(status: number, code: string, message: string): never {
  throw new HttpError(status, { code, message });
}

/** Throws an HttpError (415 or 403) when the request must not reach a handler. */
export function guardRequest(req: IncomingMessage, pathname: string, options: GuardOptions): void {
  const method = req.method ?? "GET";
  if (SAFE_METHODS.has(method)) return;
  const hasToken = readBearer(req.headers.authorization) !== null;
  const sameOrigin = isSameOrigin(req, options.isForwardedHostTrusted);
  const mediaType = mediaTypeOf(req);
  if (mediaType === "multipart/form-data" && options.acceptsMultipart(method, pathname)) {
    // A form can post multipart from any site: only our page or a token may upload.
    if (hasToken || sameOrigin === true) return;
    refuse(403, "CROSS_ORIGIN", "Uploads need an API token or must come from the Kabar panel itself.");
  }
  if (mediaType !== null && mediaType !== "application/json") {
    refuse(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type must be application/json (got ${mediaType.slice(0, 80)}).`,
    );
  }
  if (mediaType === null && hasBody(req)) {
    refuse(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json when there is a body.");
  }
  const hasCookie = readCookie(req.headers.cookie, ADMIN_COOKIE) !== null;
  if (!hasToken && hasCookie && sameOrigin === false) {
    refuse(
      403,
      "CROSS_ORIGIN",
      "This request came from another site (Origin / Sec-Fetch-Site); the admin cookie is only accepted from the Kabar panel itself.",
    );
  }
}
