import fs from "node:fs";
import path from "node:path";

/**
 * Moves `<sessionsDir>/<folder>` to `<sessionsDir>/.backup/<UTC timestamp>-<folder>` (credentials are
 * never deleted) and returns where it went. Same filesystem, so the move is atomic.
 */
export function moveFolderToBackup(sessionsDir: string, folder: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const target = freeBackupPath(path.join(sessionsDir, ".backup", `${stamp}-${folder}`));
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  fs.renameSync(path.join(sessionsDir, folder), target);
  return target;
}

/** Two moves in the same second must not overwrite each other's backup. */
function freeBackupPath(base: string): string {
  let candidate = base;
  for (let attempt = 2; fs.existsSync(candidate); attempt += 1) candidate = `${base}-${attempt}`;
  return candidate;
}
