import { baileys } from "./baileys.js";

/** A WhatsApp Web version as `ClientPayload.userAgent.appVersion` carries it: primary.secondary.tertiary. */
export type WaWebVersion = readonly [number, number, number];

export const WA_WEB_VERSION_PATTERN = /^(\d+)\.(\d+)\.(\d+)$/;

/** Parses `2.3000.1030000000`; throws naming the expected form. */
export function parseWaWebVersion(text: string): WaWebVersion {
  const match = WA_WEB_VERSION_PATTERN.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a WhatsApp Web version like 2.3000.1030000000`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function formatWaWebVersion(version: WaWebVersion): string {
  return version.join(".");
}

/** Negative when `a` is older than `b`, compared part by part like WhatsApp's gate. */
export function compareWaWebVersions(a: WaWebVersion, b: WaWebVersion): number {
  for (let index = 0; index < 3; index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The version the library announces when nothing overrides it (Baileys' bundled default). */
export function bundledWaWebVersion(): WaWebVersion {
  const [primary = 2, secondary = 3000, tertiary = 0] = baileys.DEFAULT_CONNECTION_CONFIG.version;
  return [primary, secondary, tertiary];
}

/**
 * A body shaped like web.whatsapp.com's `sw.js`: the revision sits in an escaped JSON string, which is
 * why Baileys' regex (`\\?"client_revision\\?":\s*(\d+)`) allows backslashes around the quotes.
 * Baileys turns the revision into `[2, 3000, revision]`, so only the tertiary part travels.
 */
export function serviceWorkerBody(version: WaWebVersion): string {
  const data = JSON.stringify({
    dynamic_data: { SiteData: { client_revision: version[2], server_revision: version[2] } },
  });
  return `/* simulated WhatsApp Web service worker */\nself.__swData=JSON.parse(${JSON.stringify(data)});\n`;
}
