/**
 * A Kabar in a child process, for kill -9 tests: the test process can SIGKILL it mid-work, which an
 * in-process close() cannot imitate.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

export interface KabarChild {
  /** Resolves once the child printed this line; rejects if it exits first. */
  printed(line: string): Promise<void>;
  /** SIGKILL; resolves with the exit signal. */
  kill(): Promise<NodeJS.Signals | null>;
}

/** Runs `test/<script>` under tsx with these arguments, its stdout piped, stderr shown. */
export function spawnKabarChild(script: string, args: string[]): KabarChild {
  const testDir = path.join(import.meta.dirname, "..");
  const child = spawn(process.execPath, ["--import", "tsx", path.join(testDir, script), ...args], {
    cwd: path.join(testDir, ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  return {
    printed(line) {
      const seen = new Promise<void>((resolve) => {
        child.stdout?.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes(line)) resolve();
        });
      });
      return Promise.race([seen, exited.then(() => Promise.reject(new Error("the child exited early")))]);
    },
    async kill() {
      child.kill("SIGKILL");
      const [, signal] = await exited;
      return signal;
    },
  };
}
