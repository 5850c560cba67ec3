import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import { tightenPrivateFiles } from "../src/private-files.js";

let dir = "";
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it("on PostgreSQL tightens the credentials folder and looks for no database file", () => {
  dir = mkdtempSync(path.join(tmpdir(), "kabar-private-"));
  const sessionsDir = path.join(dir, "wa_sessions");
  mkdirSync(sessionsDir);
  chmodSync(sessionsDir, 0o755);
  const problems = tightenPrivateFiles(
    { databaseUrl: "postgresql://kabar@127.0.0.1:5432/kabar", sessionsDir },
    pino({ level: "silent" }),
  );
  expect(statSync(sessionsDir).mode & 0o777).toBe(0o700);
  expect(problems.filter((problem) => problem.startsWith(sessionsDir))).toHaveLength(1);
  expect(problems.filter((problem) => /kabar\.db|postgresql/.test(problem))).toEqual([]);
});
