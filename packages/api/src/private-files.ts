/**
 * The WhatsApp credentials and the database are secrets: on start, their folders are made 0700 and
 * the files 0600 when they are not, with a warning (an older install, a copy, a restored backup).
 * A database folder given by DATABASE_URL that is not our own data/ is only warned about: it may
 * be shared (/var/lib, /tmp) and is not ours to change. On PostgreSQL there is no database file here:
 * only the data folder (media uploads) and the credentials are ours to check.
 */
import fs from "node:fs";
import path from "node:path";
import { dataDirectory, databaseFilePath, isPostgresUrl } from "@kabar/db";
import type { Logger } from "pino";
import { REPO_ROOT } from "./env.js";

const DEFAULT_DATA_DIR = path.join(REPO_ROOT, "data");
const OPEN_TO_OTHERS = 0o077;

interface Target {
  path: string;
  mode: 0o700 | 0o600;
  mayChange: boolean;
}

function modeOf(target: string): number | null {
  try {
    return fs.statSync(target).mode & 0o777;
  } catch {
    return null;
  }
}

/** Returns one line per path that was (or, when not ours, still is) open to other users. */
export function tightenPrivateFiles(
  options: { databaseUrl: string; sessionsDir: string },
  logger: Logger,
): string[] {
  const dataDir = dataDirectory(options.databaseUrl);
  const database = isPostgresUrl(options.databaseUrl) ? null : databaseFilePath(options.databaseUrl);
  const targets: Target[] = [
    { path: options.sessionsDir, mode: 0o700, mayChange: true },
    { path: dataDir, mode: 0o700, mayChange: path.resolve(dataDir) === DEFAULT_DATA_DIR },
    ...(database === null ? [] : ["", "-wal", "-shm"]).map(
      (suffix): Target => ({ path: `${database}${suffix}`, mode: 0o600, mayChange: true }),
    ),
  ];
  const problems: string[] = [];
  for (const target of targets) {
    const mode = modeOf(target.path);
    if (mode === null || (mode & OPEN_TO_OTHERS) === 0) continue;
    const was = mode.toString(8).padStart(4, "0");
    const wanted = target.mode.toString(8).padStart(4, "0");
    if (target.mayChange) {
      try {
        fs.chmodSync(target.path, target.mode);
        problems.push(`${target.path} was ${was}, other users could read it: now ${wanted}`);
      } catch (error) {
        const code = error instanceof Error && "code" in error ? String(error.code) : "error";
        problems.push(
          `${target.path} is ${was}, other users can read it, and chmod failed (${code}): make it ${wanted}`,
        );
      }
    } else {
      problems.push(
        `${target.path} is ${was}, other users can read it: make it ${wanted} (chmod ${wanted.slice(1)})`,
      );
    }
  }
  for (const problem of problems) logger.warn(problem);
  return problems;
}
