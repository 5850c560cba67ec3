import pino, { type DestinationStream, type Logger } from "pino";
import type { Env } from "./env.js";

/** Paths pino blanks out wherever they appear, so no secret reaches a log line. */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "tokenHash",
  "*.tokenHash",
  "secret",
  "*.secret",
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  "ADMIN_PASSWORD",
  "env.ADMIN_PASSWORD",
];

export function createLogger(env: Pick<Env, "LOG_LEVEL">, destination?: DestinationStream): Logger {
  const options = { level: env.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
