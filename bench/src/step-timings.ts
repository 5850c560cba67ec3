/**
 * (8b) Where a message's time goes in core, in-process, one message at a time, pacing off: every
 * database call the process makes is timed (a Prisma query extension on the client core is given),
 * and each message's life is cut at the points both sides can see: the accept returned, the worker's
 * first query, the "sending" event (claim written), the contact decrypted, the server ack the
 * library received, the "sent" event (ack written). A message handed off to the idle worker
 * (core's hand-off.ts) is inserted already claimed: it has no worker query before its send, so it
 * counts apart and has no wake-up or pick-up step.
 */
import type { PrismaClient } from "@kabar/db";
import { createDatabase } from "@kabar/db";
import { linkSession, recipient, SESSION_ID, startSimulatedKabar } from "@kabar/system-tests";
import { watchArrivals } from "./arrivals.js";
import { median } from "./stats.js";

interface Query {
  name: string;
  start: number;
  end: number;
}

export interface StepTimings {
  count: number;
  /** messages handed off: inserted claimed, sent with no queue read */
  handedOff: number;
  /** median ms of each step */
  steps: Record<string, number>;
  /** median count and ms per message of each database call, by phase */
  queries: Record<string, { calls: number; ms: number }>;
}

/** A client whose every call is timed into `log`. */
function timedClient(url: string, log: Query[]): PrismaClient {
  const base = createDatabase(url);
  const extended = base.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const start = performance.now();
        try {
          return await query(args);
        } finally {
          log.push({ name: `${model ?? "raw"}.${operation}`, start, end: performance.now() });
        }
      },
    },
  });
  // The extension keeps every method of the client; its type only differs by the added hooks.
  return extended as unknown as PrismaClient;
}

export async function benchStepTimings(count: number): Promise<StepTimings> {
  const log: Query[] = [];
  const probe = await startSimulatedKabar();
  const db = timedClient(probe.databaseUrl, log);
  await probe.restart({ db });
  const { simulator } = probe;
  try {
    await linkSession(probe.kabar, simulator);
    const current = probe.kabar;
    const arrivals = watchArrivals(simulator, SESSION_ID);
    const seen = new Map<string, Map<string, number>>();
    let onSent: ((id: string) => void) | null = null;
    const off = current.events.on(({ event }) => {
      if (event.type !== "message.status") return;
      const times = seen.get(event.message.id) ?? new Map<string, number>();
      if (!times.has(event.message.status)) times.set(event.message.status, performance.now());
      seen.set(event.message.id, times);
      if (event.message.status === "sent") onSent?.(event.message.id);
    });
    const steps: Record<string, number[]> = {};
    const queries: Record<string, { calls: number[]; ms: number[] }> = {};
    const add = (name: string, value: number) => {
      steps[name] = [...(steps[name] ?? []), value];
    };
    let handedOff = 0;
    for (let index = 0; index < count + 12; index += 1) {
      log.length = 0;
      const start = performance.now();
      const result = await current.messages.send({ to: recipient(index), message: `Step #${index}` });
      const accepted = performance.now();
      await new Promise<void>((resolve) => {
        onSent = (id) => {
          if (id === result.id) resolve();
        };
        if (seen.get(result.id)?.has("sent")) resolve();
      });
      onSent = null;
      // read only now: a read while the message goes out would be timed as part of its path
      const record = await current.messages.get(result.id);
      if (!record) throw new Error(`no record for ${result.id}`);
      const serverAck = await arrivals.at("serverAck", record.waMessageId);
      const decrypted = await arrivals.at("decrypted", record.waMessageId);
      if (index < 12) continue;
      const times = seen.get(result.id) ?? new Map<string, number>();
      const sending = times.get("sending") ?? Number.NaN;
      const sent = times.get("sent") ?? Number.NaN;
      const workerQueries = log.filter((query) => query.start >= accepted && query.start < sending);
      // The worker's queue read; other calls in the window (the previous message's acks, the
      // broadcast feeder's look after "sent") are not the worker picking this one up.
      const firstWorkerQuery = workerQueries.find((query) => query.name === "OutboxMessage.findMany")?.start;
      add("1 accept (validate, opt-out, insert, commit)", accepted - start);
      if (firstWorkerQuery === undefined) handedOff += 1;
      else {
        add("2 worker wake-up (accept → first worker query), queued ones", firstWorkerQuery - accepted);
        add("3 worker pick-up (first query → claim written), queued ones", sending - firstWorkerQuery);
      }
      add("2+3 call → claim written (all)", sending - start);
      add("4 send (claim written → contact decrypted)", decrypted - sending);
      add("5 server ack reaches the library (after decrypt)", serverAck - decrypted);
      add("6 ack write (server ack → sent stored)", sent - serverAck);
      add("= accept → decrypted", decrypted - start);
      const phases: [string, Query[]][] = [
        ["accept", log.filter((query) => query.start < accepted && query.start >= start)],
        ["pick-up", workerQueries],
        ["ack write", log.filter((query) => query.start >= serverAck && query.start <= sent)],
      ];
      for (const [phase, list] of phases) {
        const byName = new Map<string, { calls: number; ms: number }>();
        for (const query of list) {
          const entry = byName.get(query.name) ?? { calls: 0, ms: 0 };
          entry.calls += 1;
          entry.ms += query.end - query.start;
          byName.set(query.name, entry);
        }
        for (const [name, entry] of byName) {
          const key = `${phase}: ${name}`;
          queries[key] ??= { calls: [], ms: [] };
          queries[key].calls.push(entry.calls);
          queries[key].ms.push(entry.ms);
        }
      }
    }
    off();
    arrivals.close();
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      count,
      handedOff,
      steps: Object.fromEntries(Object.entries(steps).map(([name, values]) => [name, round(median(values))])),
      queries: Object.fromEntries(
        Object.entries(queries).map(([name, entry]) => [
          name,
          { calls: round(entry.calls.reduce((a, b) => a + b, 0) / count), ms: round(median(entry.ms)) },
        ]),
      ),
    };
  } finally {
    await probe.close();
    await db.$disconnect();
  }
}

export function stepTimingRows(result: StepTimings): [string, string, string][] {
  return [
    [
      "8b handed off (no queue read, no claim write)",
      `${result.handedOff} of ${result.count}`,
      "core's hand-off",
    ],
    ...Object.entries(result.steps).map(([name, ms]): [string, string, string] => [
      `8b ${name}`,
      `${ms} ms`,
      `median of ${result.count}`,
    ]),
    ...Object.entries(result.queries).map(([name, entry]): [string, string, string] => [
      `8b   ${name}`,
      `${entry.ms} ms`,
      `${entry.calls} calls per message`,
    ]),
  ];
}
