/**
 * The only place that reads process.env. Validated once; a wrong value stops start-up with
 * one line naming the variable and what it should be.
 */
import path from "node:path";
import { resolveDatabaseUrl, resolveSessionsDir } from "@kabar/db";
import { defaultNodeId, waWebVersionText } from "@kabar/core";
import { z } from "zod";
import { trustProxySchema } from "./http/client-address.js";

/** <repo>/ — packages/api/src is three levels below it. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const port = (fallback: number) =>
  z.coerce
    .number({ error: "must be a port number" })
    .int({ error: "must be a whole number" })
    .min(0, { error: "must be 0–65535" })
    .max(65535, { error: "must be 0–65535" })
    .default(fallback);

export const CLUSTER_NODE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export const envSchema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Resolved by @kabar/db: default file:<repo>/data/kabar.db, relative paths from the repo root. */
  DATABASE_URL: z.string().optional(),
  /** Resolved by @kabar/db: default <repo>/wa_sessions. */
  WA_SESSIONS_DIR: z.string().optional(),
  WHATSAPP_WS_URL: z.url({ error: "must be a ws:// or wss:// URL" }).optional(),
  /** Simulated mode: WhatsApp's media host names (mmg.whatsapp.net, …) are reached at this https:// URL. */
  WHATSAPP_MEDIA_URL: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
  /** A PEM file trusted, besides the system's roots, for WhatsApp's media hosts (the simulator's CA). */
  WHATSAPP_EXTRA_CA: z.string().min(1).optional(),
  /** Announce this WhatsApp Web version instead of looking it up (the cure for a 405 loop). */
  WA_WEB_VERSION: waWebVersionText.optional(),
  /** The sw.js page the live version is read from; default web.whatsapp.com, or the simulator's. */
  WA_WEB_VERSION_URL: z.url({ error: "must be an http:// or https:// URL" }).optional(),
  ADMIN_PASSWORD: z.string().min(8, { error: "must be at least 8 characters" }).optional(),
  COOKIE_SECURE: booleanFlag.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ADMIN_DIST_DIR: z
    .string()
    .min(1)
    .default(path.join(REPO_ROOT, "apps", "admin", "dist")),
  SIMULATOR_PORT: port(3100),
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  ADMIN_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  TRUST_PROXY: trustProxySchema,
  /** Webhooks to loopback/private/link-local receivers (on-premise); off: they could scan our network. */
  WEBHOOKS_ALLOW_PRIVATE: booleanFlag.default(false),
  /** Where alert e-mails go out, e.g. smtps://user:pass@smtp.example.com:465; never logged or shown. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  /** Who gets alert e-mails: one address or several separated by commas. */
  ALERT_EMAIL_TO: z
    .string()
    .regex(/^\s*[^\s@,]+@[^\s@,]+(\s*,\s*[^\s@,]+@[^\s@,]+)*\s*$/, {
      error: "must be an e-mail address, or several separated by commas",
    })
    .optional(),
  /** Several nodes: how long the WhatsApp session's lease lasts without renewal (ms). */
  CLUSTER_LEASE_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int({ error: "must be a whole number" })
    .min(5000, { error: "must be at least 5000 (the owner fences itself 3 s before expiry)" })
    .max(300_000, { error: "must be at most 300000" })
    .default(10_000),
  /**
   * This node's name in a cluster (PostgreSQL): in /health, /metrics labels and pg application_name,
   * so only characters safe in all three. Default `<hostname>:<PORT>` (`<hostname>:pid<pid>` with PORT=0).
   */
  CLUSTER_NODE_ID: z
    .string()
    .regex(CLUSTER_NODE_ID_PATTERN, {
      error: "must be 1–64 characters: letters, digits, '.', '_', ':' or '-'",
    })
    .optional(),
  /** The panel's address as people open it; alert e-mails link to its session page. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
});

export type Env = Omit<z.infer<typeof envSchema>, "DATABASE_URL" | "WA_SESSIONS_DIR" | "CLUSTER_NODE_ID"> & {
  DATABASE_URL: string;
  WA_SESSIONS_DIR: string;
  CLUSTER_NODE_ID: string;
};

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses an environment (process.env by default); throws EnvError with one readable line. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  // Treat empty strings as unset so `PORT= pnpm start` means the default.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = envSchema.safeParse(cleaned);
  if (result.success) {
    // Throws DatabaseUrlError (one line) for a URL that is not an SQLite file.
    const DATABASE_URL = resolveDatabaseUrl({ DATABASE_URL: result.data.DATABASE_URL });
    return {
      ...result.data,
      DATABASE_URL,
      WA_SESSIONS_DIR: resolveSessionsDir({ WA_SESSIONS_DIR: result.data.WA_SESSIONS_DIR }),
      CLUSTER_NODE_ID: result.data.CLUSTER_NODE_ID ?? defaultNodeId(result.data.PORT),
    };
  }
  const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
  throw new EnvError(`Invalid environment: ${problems.join("; ")}. Fix the variable(s) and start again.`);
}

/** Defaults for tests: everything from the schema, overridden by what the test passes. */
export function testEnv(overrides: Partial<Record<keyof Env, string>> = {}): Env {
  return readEnv({ LOG_LEVEL: "silent", ...overrides });
}
