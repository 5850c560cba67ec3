/**
 * (6) The server's resident memory once linked and idle, started the way `pnpm start` starts it
 * (or, for the comparison in BENCHMARKS.md, the same build without the memory settings, or under tsx).
 * With the idle reading, the resident memory by mapping (/proc/<pid>/smaps); then the memory probe runs
 * two full GCs and reports the heap; with a snapshot folder it also writes a heap snapshot (summarise
 * it with heap-by-module.mjs).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { linkThroughClient } from "@kabar/api/testing";
import { createKabarClient } from "@kabar/client";
import { type Launch, startBuiltServer } from "@kabar/system-tests";
import { startSimulator } from "@kabar/whatsapp-simulator";

const PROBE = path.join(import.meta.dirname, "memory-probe.mjs");
const MB = 1_048_576;

export interface IdleRss {
  launch: Launch;
  /** VmRSS after linking and `idleMs` of quiet, before any forced GC. */
  idleMb: number;
  afterGc: { heapUsedMb: number; heapTotalMb: number; externalMb: number; rssMb: number };
  mappings: { name: string; rssKb: number }[];
  snapshot: string | null;
}

interface ProbeLine {
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
  snapshot: string | null;
}

/** Resident kB by what is mapped (summed over mappings of the same file; anonymous memory as one). */
function residentByMapping(pid: number): { name: string; rssKb: number }[] {
  const totals = new Map<string, number>();
  let name = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      name = header[1] || "[anonymous: V8 heap, wasm memory, thread stacks, mmap'd malloc blocks]";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals.set(name, (totals.get(name) ?? 0) + Number(rss[1]));
  }
  return [...totals]
    .map(([mapping, rssKb]) => ({ name: mapping, rssKb }))
    .sort((a, b) => b.rssKb - a.rssKb)
    .slice(0, 8);
}

export async function benchIdleRss(options: {
  launch: Launch;
  idleMs: number;
  snapshotDir?: string;
}): Promise<IdleRss> {
  const simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  try {
    const server = await startBuiltServer(
      simulator,
      {
        NODE_OPTIONS: `--expose-gc --import=${pathToFileURL(PROBE).href}`,
        ...(options.snapshotDir ? { KABAR_HEAP_SNAPSHOT_DIR: options.snapshotDir } : {}),
      },
      options.launch,
    );
    try {
      const client = createKabarClient({ url: server.url, token: await server.adminToken() });
      await linkThroughClient(client, (qr) => simulator.phone.scan(qr));
      // a bench may wait: "idle" means after the link's own burst of work has settled
      await new Promise((resolve) => setTimeout(resolve, options.idleMs));
      const idleMb = server.rssBytes() / MB;
      const mappings = residentByMapping(server.child.pid ?? 0);
      const answer = server.nextLine((line) => line.startsWith('{"type":"memory"'));
      server.child.kill("SIGUSR2");
      const probe = JSON.parse(await answer) as ProbeLine;
      const round = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
      return {
        launch: options.launch,
        idleMb: Math.round(idleMb * 10) / 10,
        afterGc: {
          heapUsedMb: round(probe.heapUsed),
          heapTotalMb: round(probe.heapTotal),
          externalMb: round(probe.external),
          rssMb: round(probe.rss),
        },
        mappings,
        snapshot: probe.snapshot,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await simulator.close();
  }
}
