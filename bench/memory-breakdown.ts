/**
 * `pnpm --filter @kabar/bench memory:breakdown`: where an idle, linked server's memory goes, for the
 * three ways it has been started — under tsx (before), built to JavaScript, and `pnpm start`'s script
 * (built + the memory settings of packages/api/bin/start.sh). Per launch: idle RSS, the heap after two
 * full GCs, the largest mappings, and the heap snapshot summarised by package (heap-by-module.mjs).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildServer, type Launch } from "@kabar/system-tests";
import { benchIdleRss } from "./src/idle-rss.js";

const launches: Launch[] = ["tsx", "built-plain", "start-script"];
await buildServer();
for (const launch of launches) {
  const snapshotDir = mkdtempSync(path.join(os.tmpdir(), "kabar-heap-"));
  try {
    const result = await benchIdleRss({ launch, idleMs: 5_000, snapshotDir });
    const { heapUsedMb, heapTotalMb, externalMb, rssMb } = result.afterGc;
    console.log(`\n== ${launch}: idle RSS ${result.idleMb} MB`);
    console.log(
      `after 2 GCs: RSS ${rssMb} MB, heap used ${heapUsedMb} of ${heapTotalMb} MB, external ${externalMb} MB`,
    );
    console.log("resident memory by mapping, at the idle reading:");
    for (const mapping of result.mappings)
      console.log(`${(mapping.rssKb / 1024).toFixed(1).padStart(6)} MB  ${mapping.name}`);
    if (result.snapshot) {
      const summary = path.join(import.meta.dirname, "src", "heap-by-module.mjs");
      console.log(execFileSync(process.execPath, [summary, result.snapshot], { encoding: "utf8" }));
    }
  } finally {
    rmSync(snapshotDir, { recursive: true, force: true });
  }
}
