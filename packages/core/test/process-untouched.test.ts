/**
 * Importing @kabar/core, or creating a Kabar, must not change the host process: no console patch, no
 * unhandledRejection filter, no change to Baileys' shared defaults. Only asking for them
 * (installProcessGuards) installs the guards. In a child process, so nothing else has run there.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";

it("changes nothing in the process on import or createKabar; installs the guards only when asked", async () => {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(import.meta.dirname, "support", "process-probe.ts")],
      { cwd: path.resolve(import.meta.dirname, ".."), timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
  const report = JSON.parse(output.trim().split("\n").at(-1) ?? "{}");
  expect(report.afterImport).toEqual([]);
  expect(report.afterCreate).toEqual([]);
  expect(report.afterGuarded).toEqual([
    "console.log",
    "console.info",
    "console.warn",
    "console.error",
    "console.debug",
    "unhandledRejection listener",
  ]);
}, 90_000);
