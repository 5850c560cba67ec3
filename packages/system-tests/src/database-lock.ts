/**
 * Another process holding SQLite's write lock for a fixed time (database-lock-holder.ts). It
 * releases on its own clock, so the release does not depend on this process's event loop, which a
 * synchronous busy-wait in the database driver blocks. Resolves once the lock is really held.
 *
 * The holder uses libsql like Kabar (a sqlite3 3.40 shell was tried first). With either, Kabar then
 * reported SQLITE_CORRUPT "database disk image is malformed" (see BENCHMARKS.md, findings).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

export interface DatabaseLock {
  released: Promise<void>;
  /** Ends the holder early (cleanup after a failure). */
  abort(): void;
}

export async function holdWriteLock(databaseUrl: string, seconds: number): Promise<DatabaseLock> {
  const holder = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(import.meta.dirname, "database-lock-holder.ts"),
      databaseUrl,
      String(seconds),
    ],
    { cwd: path.join(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = once(holder, "exit").then(() => undefined);
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("lock-held")) resolve();
    });
    holder.once("exit", () => reject(new Error("the lock holder exited before it held the lock")));
    holder.once("error", reject);
  });
  return {
    released: exited,
    abort() {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill("SIGKILL");
    },
  };
}
