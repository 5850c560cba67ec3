/**
 * Which WhatsApp Web version the socket announces. WhatsApp refuses stale clients at login with 405
 * ("client too old"), and the version bundled with Baileys goes stale within weeks (Baileys #1634), so
 * every connect resolves it: the operator's WA_WEB_VERSION, else the live one from a `sw.js` page (as
 * Baileys' `fetchLatestWaWebVersion` reads web.whatsapp.com's), else the bundled one.
 */
import { InvalidInputError } from "../errors.js";
import type { Logger } from "pino";
import { z } from "zod";

export type WaWebVersion = [number, number, number];
export const waWebVersionSources = ["env", "live", "bundled"] as const;
export type WaWebVersionSource = (typeof waWebVersionSources)[number];

export interface ResolvedWaWebVersion {
  version: WaWebVersion;
  source: WaWebVersionSource;
}

/** `2.3000.1030000000`: three dot-separated numbers, as WhatsApp Web writes its version. */
export const waWebVersionText = z
  .string()
  .regex(/^\d{1,4}\.\d{1,6}\.\d{1,12}$/, "expected a WhatsApp Web version like 2.3000.1030000000");

export function parseWaWebVersion(text: string): WaWebVersion {
  const [primary = 0, secondary = 0, tertiary = 0] = waWebVersionText.parse(text).split(".").map(Number);
  return [primary, secondary, tertiary];
}

export function formatWaWebVersion(version: WaWebVersion): string {
  return version.join(".");
}

/** Baileys' own pattern (`Utils/generics.js` fetchLatestWaWebVersion): the revision may sit in escaped JSON. */
const CLIENT_REVISION = /\\?"client_revision\\?":\s*(\d+)/;

export const DEFAULT_WA_WEB_SW_URL = "https://web.whatsapp.com/sw.js";
export const LIVE_VERSION_TIMEOUT_MS = 5_000;
export const LIVE_VERSION_CACHE_MS = 6 * 60 * 60 * 1000;
/** A failed lookup is not repeated for a minute, so reconnects during an outage do not each wait 5 s. */
const FAILED_LOOKUP_CACHE_MS = 60_000;

/**
 * Where the live version is read: the override, else the simulator's page in simulated mode (derived
 * from WHATSAPP_WS_URL, same host and port), else web.whatsapp.com.
 */
export function waWebVersionUrl(options: { override?: string; whatsappWsUrl?: string }): string {
  if (options.override) return options.override;
  if (!options.whatsappWsUrl) return DEFAULT_WA_WEB_SW_URL;
  const url = new URL(options.whatsappWsUrl);
  const protocol = url.protocol === "wss:" ? "https:" : "http:";
  return `${protocol}//${url.host}/wa-web/sw.js`;
}

export interface WaWebVersionResolverOptions {
  /** WA_WEB_VERSION, already validated: when set, nothing is fetched. */
  override?: WaWebVersion;
  /** The sw.js page to read `client_revision` from. */
  url: string;
  bundled: WaWebVersion;
  logger: Logger;
  timeoutMs?: number;
  cacheMs?: number;
  now?: () => number;
}

export interface WaWebVersionResolver {
  /** `fresh` skips the cache: after a 405 the cached version is the one WhatsApp just refused. */
  resolve(options?: { fresh?: boolean }): Promise<ResolvedWaWebVersion>;
}

export function createWaWebVersionResolver(options: WaWebVersionResolverOptions): WaWebVersionResolver {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? LIVE_VERSION_TIMEOUT_MS;
  const cacheMs = options.cacheMs ?? LIVE_VERSION_CACHE_MS;
  let cached: { result: ResolvedWaWebVersion; until: number } | null = null;

  async function fetchLive(): Promise<WaWebVersion> {
    const response = await fetch(options.url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${options.url} answered ${response.status}`);
    const revision = CLIENT_REVISION.exec(await response.text())?.[1];
    if (!revision) throw new Error(`${options.url} carries no client_revision`);
    return [2, 3000, Number(revision)];
  }

  return {
    async resolve({ fresh = false } = {}) {
      if (options.override) return { version: options.override, source: "env" };
      if (!fresh && cached && now() < cached.until) return cached.result;
      try {
        const result: ResolvedWaWebVersion = { version: await fetchLive(), source: "live" };
        cached = { result, until: now() + cacheMs };
        return result;
      } catch (error) {
        logger.warn(
          { err: error, url: options.url },
          "could not read the current WhatsApp Web version; using the bundled one (set WA_WEB_VERSION to choose)",
        );
        const result: ResolvedWaWebVersion = { version: options.bundled, source: "bundled" };
        cached = { result, until: now() + FAILED_LOOKUP_CACHE_MS };
        return result;
      }
    },
  };
}

/** WA_WEB_VERSION as given to createKabar: a startup error naming it when it is not a version. */
export function parseWaWebVersionOption(text: string | undefined) {
  if (text === undefined) return undefined;
  try {
    return parseWaWebVersion(text);
  } catch {
    throw new InvalidInputError(
      "WA_WEB_VERSION",
      `WA_WEB_VERSION "${text}" is not a WhatsApp Web version; expected three numbers like 2.3000.1030000000`,
    );
  }
}
