/**
 * (2) on PostgreSQL: the same accept-rate measurement as accept-rate.ts (same count, same concurrencies,
 * worker idle), with the outbox in a local PostgreSQL from Debian's package started with fsync on, as
 * a production server runs, so the figure stands beside SQLite's durable commits.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import { findPostgresBin, startPostgres } from "@kabar/db/testing";
import { startSimulatedKabar } from "@kabar/system-tests";
import { type AcceptRateResult, benchAcceptRate } from "./accept-rate.js";

export interface PostgresAcceptRate extends AcceptRateResult {
  /** What the server was, printed beside the figure. */
  server: string;
}

export async function benchAcceptRatePostgres(count: number): Promise<PostgresAcceptRate> {
  const postgres = await startPostgres({ isDurable: true });
  try {
    const databaseUrl = await postgres.createDatabase();
    const harness = await startSimulatedKabar({ kabar: { databaseUrl } });
    try {
      const result = await benchAcceptRate(harness.kabar, count);
      // Debian's folder names the major version: /usr/lib/postgresql/<major>/bin (initdb on PATH is a link there)
      const initdb = realpathSync(path.join(findPostgresBin(), "initdb"));
      const major = /postgresql\/(\d+)\//.exec(initdb)?.[1] ?? "?";
      return { ...result, server: `PostgreSQL ${major} on loopback TCP, fsync on, pool of 10` };
    } finally {
      await harness.close();
    }
  } finally {
    await postgres.stop();
  }
}

/** Figure 2's rows for PostgreSQL, worded like SQLite's so the two read side by side. */
export function postgresAcceptRows(result: PostgresAcceptRate): [string, string, string][] {
  return [
    ["2 outbox accept on PostgreSQL, sequential", `${result.sequentialPerSecond}/s`, result.server],
    ...result.concurrent.map((step): [string, string, string] => [
      `2 outbox accept on PostgreSQL, ${step.concurrency} in flight`,
      `${step.perSecond}/s`,
      `${step.errors} errors${step.firstError ? ` (${step.firstError.slice(0, 60)})` : ""}; ${result.count} accepts per step, as SQLite`,
    ]),
  ];
}
