/**
 * Another process holding SQLite's write lock for a fixed time: the sqlite3 shell takes
 * BEGIN IMMEDIATE and commits after `seconds` on its own clock — so the release does not depend on
 * this process's event loop, which a synchronous busy-wait in the database driver may block.
 * Resolves once the lock is really held; `released` resolves when the holder has exited.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";

export interface DatabaseLock {
  released: Promise<void>;
  /** Ends the holder early (cleanup after a failure). */
  abort(): void;
}

export async function holdWriteLock(databaseFile: string, seconds: number): Promise<DatabaseLock> {
  // A write inside the transaction makes sure the RESERVED lock is taken, not only requested.
  const script =
    `printf "BEGIN IMMEDIATE;\\nUPDATE Setting SET key = key WHERE 0;\\nSELECT 'lock-held';\\n"; ` +
    `sleep ${Number(seconds)}; printf "COMMIT;\\n.quit\\n"`;
  const holder = spawn("sh", ["-c", `(${script}) | sqlite3 "$0"`, databaseFile], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const exited = once(holder, "exit").then(() => undefined);
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("lock-held")) resolve();
    });
    holder.once("exit", () => reject(new Error("sqlite3 exited before it held the lock")));
    holder.once("error", reject);
  });
  return {
    released: exited,
    abort() {
      // The holder runs in its own process group (sh, sqlite3, sleep): end exactly that group.
      if (holder.exitCode === null && holder.pid) process.kill(-holder.pid, "SIGTERM");
    },
  };
}
