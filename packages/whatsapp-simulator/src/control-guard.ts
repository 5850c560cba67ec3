/**
 * The control API has no authentication: anything that reaches it drives the phone. So before any
 * route runs, a request must be addressed to a loopback Host (a DNS-rebound name is refused), come
 * from a loopback page when a browser says where it comes from (Origin), and carry JSON or nothing
 * (a cross-site form can post text/plain without a preflight; application/json needs one, which this
 * API answers only for loopback origins).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return LOOPBACK_NAMES.has(name) || name.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(name);
}

function hostnameOfHostHeader(host: string): string {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return "";
  }
}

function loopbackOrigin(origin: string): boolean {
  try {
    return isLoopbackHostname(new URL(origin).hostname);
  } catch {
    return false;
  }
}

export type Refusal = { status: number; error: string } | null;

/** Why this request must not reach a route, or null. Sets the CORS headers a loopback page needs. */
export function guardControlRequest(request: IncomingMessage, response: ServerResponse): Refusal {
  const host = request.headers.host ?? "";
  if (!isLoopbackHostname(hostnameOfHostHeader(host))) {
    return { status: 403, error: `Host: must be a loopback name or address (got "${host.slice(0, 100)}")` };
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (!loopbackOrigin(origin)) {
      return { status: 403, error: `Origin: must be a loopback page (got "${origin.slice(0, 100)}")` };
    }
    // The panel (another loopback port) may read the answers, so it can show the simulator's errors.
    response.setHeader("access-control-allow-origin", origin);
    response.setHeader("vary", "Origin");
  }
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return null;
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const length = Number(request.headers["content-length"] ?? 0);
  const hasBody = length > 0 || request.headers["transfer-encoding"] !== undefined;
  if (type === "application/json" || (type === "" && !hasBody)) return null;
  return {
    status: 415,
    error: `content-type: must be application/json (got "${type.slice(0, 80) || "none"}")`,
  };
}

/** Answers a CORS preflight from a loopback page (the guard already refused other origins). */
export function answerPreflight(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== "OPTIONS") return false;
  response.writeHead(204, {
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "600",
  });
  response.end();
  return true;
}
