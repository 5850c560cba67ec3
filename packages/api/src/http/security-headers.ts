/**
 * Headers every answer carries (the panel's pages above all): no framing, no sniffing, no referrer
 * leaking a URL to another site, and a Content-Security-Policy that lets the panel load only itself.
 */
import type { ServerResponse } from "node:http";

/** The simulated phone's control API, when the panel's "scan with the simulated phone" button needs it. */
export function securityHeaders(simulatorControlUrl: string | null): Record<string, string> {
  const connect = ["'self'"];
  if (simulatorControlUrl) {
    try {
      connect.push(new URL(simulatorControlUrl).origin);
    } catch {
      // A malformed URL only loses the button, never the policy.
    }
  }
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // The QR code is drawn into a data: URL in the page; the favicon is a data: SVG.
    "img-src 'self' data:",
    `connect-src ${connect.join(" ")}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "content-security-policy": policy,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
}

export function applySecurityHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
