/**
 * (6b) What the server keeps per message sent: the server as its own process (pacing off), linked,
 * measured idle and after two message counts. At each point the outbox has drained and the server
 * ran two full GCs (memory-probe.mjs), so `heapUsed` is what is still referenced and the slope
 * between the two counts is the retention per message; RSS beside it shows what the allocator holds.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { callApi, linkOverRest, startChildOutbox, type ServerProcess } from "@kabar/system-tests";

export interface MemoryPoint {
  messages: number;
  heapUsedMb: number;
  rssMb: number;
  externalMb: number;
  heapTotalMb: number;
}

export interface MemoryResult {
  points: MemoryPoint[];
  /** heapUsed after GC between the last two points, per message sent. */
  heapKbPerMessage: number;
  rssKbPerMessage: number;
}

interface MemoryLine {
  type: "memory";
  isCollected: boolean;
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
  snapshot: string | null;
  mappings?: { name: string; sizeKb: number; rssKb: number }[];
}

const PROBE = path.join(import.meta.dirname, "memory-probe.mjs");
const MB = 1_048_576;

function isMemoryLine(line: unknown): line is MemoryLine {
  if (typeof line !== "object" || line === null) return false;
  const fields = line as Record<string, unknown>;
  return fields.type === "memory" && typeof fields.heapUsed === "number" && typeof fields.rss === "number";
}

/** Asks the probe for one after-GC reading; the next matching line is this request's answer. */
async function readMemory(server: ServerProcess): Promise<MemoryLine> {
  const answer = server.waitForLine((line) => isMemoryLine(line), 120_000);
  server.child.kill("SIGUSR2");
  const line: unknown = await answer;
  if (!isMemoryLine(line)) throw new Error("the memory probe answered something else");
  if (!line.isCollected) throw new Error("the server was started without --expose-gc");
  return line;
}

export async function benchMemory(options: {
  /** Message counts to measure at, ascending, e.g. [1000, 3000]. */
  counts: number[];
  log: (line: string) => void;
  /** Folder for a heap snapshot at each point (large: ~100 MB each). */
  heapSnapshotDir?: string;
}): Promise<MemoryResult> {
  const nodeOptions = [process.env.NODE_OPTIONS, "--expose-gc", `--import=${pathToFileURL(PROBE).href}`];
  const harness = await startChildOutbox({
    env: {
      NODE_OPTIONS: nodeOptions.filter(Boolean).join(" "),
      ...(options.heapSnapshotDir ? { KABAR_HEAP_SNAPSHOT_DIR: options.heapSnapshotDir } : {}),
    },
  });
  try {
    const { server, simulator } = harness;
    await linkOverRest(server, simulator, "bench_memory");

    const points: MemoryPoint[] = [];
    const record = async (messages: number) => {
      const line = await readMemory(server);
      const point = {
        messages,
        heapUsedMb: round(line.heapUsed / MB),
        rssMb: round(line.rss / MB),
        externalMb: round(line.external / MB),
        heapTotalMb: round(line.heapTotal / MB),
      };
      points.push(point);
      if (line.mappings) options.log(`largest mappings: ${JSON.stringify(line.mappings)}`);
      options.log(
        `memory after ${messages} messages: heapUsed ${point.heapUsedMb} MB after GC (heap total ${point.heapTotalMb} MB), RSS ${point.rssMb} MB, external ${point.externalMb} MB${line.snapshot ? ` (${line.snapshot})` : ""}`,
      );
    };
    await record(0);
    let sent = 0;
    for (const target of options.counts) {
      let next = sent;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let index = next++; index < target; index = next++) {
            const answer = await callApi(server.url, "POST", "/api/messages", {
              token: server.token,
              body: { to: `62812${String(10_000_000 + (index % 12))}`, message: `Memory #${index}` },
            });
            if (answer.status >= 300) throw new Error(`sending answered ${answer.status}: ${answer.text}`);
          }
        }),
      );
      sent = target;
      await harness.settled(600_000);
      await record(sent);
    }
    const [before, after] = points.slice(-2);
    const span = (after?.messages ?? 0) - (before?.messages ?? 0);
    const perMessage = (field: "heapUsedMb" | "rssMb") =>
      before && after && span > 0 ? round(((after[field] - before[field]) * 1024) / span) : 0;
    return { points, heapKbPerMessage: perMessage("heapUsedMb"), rssKbPerMessage: perMessage("rssMb") };
  } finally {
    await harness.close();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
