/**
 * Preloaded into the server process by the memory step (NODE_OPTIONS="--expose-gc --import <this>").
 * Plain JavaScript because NODE_OPTIONS' --import runs before the child's own `--import tsx`.
 *
 * On SIGUSR2: two full garbage collections, then one JSON line on stdout with the heap and the
 * resident memory, so what is still referenced (heapUsed after GC) can be told apart from memory
 * the allocator keeps (RSS). With KABAR_HEAP_SNAPSHOT_DIR set it also writes a heap snapshot there.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";

let count = 0;
process.on("SIGUSR2", () => {
  const collect = globalThis.gc;
  if (typeof collect === "function") {
    collect();
    collect();
  }
  const usage = process.memoryUsage();
  const directory = process.env.KABAR_HEAP_SNAPSHOT_DIR;
  count += 1;
  const snapshot = directory
    ? v8.writeHeapSnapshot(path.join(directory, `server-${count}.heapsnapshot`))
    : null;
  process.stdout.write(
    `${JSON.stringify({
      type: "memory",
      isCollected: typeof collect === "function",
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      rss: usage.rss,
      snapshot,
      ...(process.env.KABAR_MEMORY_MAPS === "1" ? { mappings: largestMappings(8) } : {}),
    })}\n`,
  );
});

/** The resident size of the largest mappings (Linux): tells V8's heap from malloc arenas and native code. */
function largestMappings(limit) {
  const mappings = [];
  let current = null;
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      current = {
        name: header[3] || "[anonymous]",
        sizeKb: (Number.parseInt(header[2], 16) - Number.parseInt(header[1], 16)) / 1024,
        rssKb: 0,
      };
      mappings.push(current);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current) current.rssKb = Number(rss[1]);
  }
  return mappings.sort((a, b) => b.rssKb - a.rssKb).slice(0, limit);
}
