/** Database rows of broadcasts as core hands them out: ISO times, parsed columns, every count present. */
import type { BroadcastProgress, BroadcastRecord, Settings } from "../contract.js";
import { BroadcastNotFoundError } from "../errors.js";
import {
  BROADCAST_ROW_STATUSES,
  BROADCAST_STATUSES,
  type BroadcastRowStatus,
  type BroadcastStatus,
} from "../schemas.js";
import { startOfDayIn } from "../settings/time-zone.js";
import type { BroadcastRepository, BroadcastRowRecord } from "./broadcast-repository.js";
import { estimateFinish } from "./estimate-finish.js";

const DONE: readonly BroadcastRowStatus[] = ["sent", "delivered", "read", "failed", "opted_out", "cancelled"];

export function toBroadcastRecord(row: BroadcastRowRecord): BroadcastRecord {
  const statuses: readonly string[] = BROADCAST_STATUSES;
  const columns: unknown = JSON.parse(row.columns);
  return {
    id: row.id,
    name: row.name,
    template: row.template,
    status: (statuses.includes(row.status) ? row.status : "draft") as BroadcastStatus,
    columns: Array.isArray(columns) ? columns.map(String) : [],
    phoneColumn: row.phoneColumn,
    scheduledAt: row.scheduledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export interface ProgressDependencies {
  repository: BroadcastRepository;
  settings(): Settings;
  now(): number;
  /** Messages the outbox sent since an instant (for the daily cap in the ETA). */
  sentSince(since: Date): Promise<number>;
}

export async function readProgress(deps: ProgressDependencies, id: string): Promise<BroadcastProgress> {
  const row = await deps.repository.find(id);
  if (!row || row.status === "importing") throw new BroadcastNotFoundError(id);
  const found = await deps.repository.counts(id);
  const counts = Object.fromEntries(
    BROADCAST_ROW_STATUSES.map((status) => [status, found.get(status) ?? 0]),
  ) as Record<BroadcastRowStatus, number>;
  const total = [...found.values()].reduce((sum, count) => sum + count, 0);
  const done = DONE.reduce((sum, status) => sum + counts[status], 0);
  const broadcast = toBroadcastRecord(row);
  const remaining = counts.pending + counts.queued;
  const isSending = broadcast.status === "running" || broadcast.status === "scheduled";
  let eta: number | null = null;
  if (isSending && remaining > 0) {
    const settings = deps.settings();
    const now = Math.max(
      deps.now(),
      broadcast.scheduledAt && broadcast.status === "scheduled" ? Date.parse(broadcast.scheduledAt) : 0,
    );
    const sentToday =
      settings.dailyCap > 0 ? await deps.sentSince(new Date(startOfDayIn(now, settings.timeZone))) : 0;
    eta = estimateFinish({ now, remaining, sentToday, settings });
  }
  return { broadcast, total, counts, done, eta: eta === null ? null : new Date(eta).toISOString() };
}
