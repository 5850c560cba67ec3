/**
 * Creating a broadcast from an uploaded list, and uploading a list again to one. The inputs and the
 * header are checked before anything is stored; a list refused half-way (a binary tail, a line too
 * long, the size limit) removes what was stored of it, so a refused upload leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import type { BroadcastCreated, BroadcastRecord } from "../contract.js";
import { BroadcastNotFoundError, BroadcastStateError, InvalidInputError } from "../errors.js";
import { type BroadcastIdInput, type CreateBroadcastInput, createBroadcastInput } from "../schemas.js";
import { parseInput } from "../session/parse-input.js";
import type { BroadcastRepository } from "./broadcast-repository.js";
import { toBroadcastRecord } from "./broadcast-records.js";
import type { CsvLimits } from "./csv-reader.js";
import { importRows, readHeader } from "./import-rows.js";

export interface CreateDependencies {
  repository: BroadcastRepository;
  now(): number;
  defaultCountry(): string;
  limits?: CsvLimits;
}

export function newBroadcastId(now: number): string {
  return `bc_${now.toString(36).padStart(9, "0")}${randomBytes(6).toString("hex")}`;
}

export async function createBroadcast(
  deps: CreateDependencies,
  input: CreateBroadcastInput,
  csv: AsyncIterable<Uint8Array | string>,
): Promise<BroadcastCreated & { startNow: boolean }> {
  const parsed = parseInput(createBroadcastInput, input);
  const scheduledAt = parsed.scheduledAt === undefined ? null : new Date(parsed.scheduledAt);
  if (scheduledAt !== null && scheduledAt.getTime() <= deps.now()) {
    throw new InvalidInputError(
      "scheduledAt",
      `scheduledAt: ${parsed.scheduledAt} is in the past; pick a time after ${new Date(deps.now()).toISOString()}.`,
    );
  }
  const header = await readHeader(csv, parsed.template, deps.limits);
  const id = newBroadcastId(deps.now());
  // "importing" until the last row is in: list and get do not show a half-read broadcast
  await deps.repository.create({
    id,
    name: parsed.name,
    template: parsed.template,
    status: "importing",
    columns: JSON.stringify(header.columns),
    phoneColumn: header.columns[header.phoneColumn] ?? "phone",
    scheduledAt,
  });
  try {
    const summary = await importRows({
      repository: deps.repository,
      broadcastId: id,
      header,
      defaultCountry: deps.defaultCountry(),
    });
    const status = scheduledAt === null ? "draft" : "scheduled";
    await deps.repository.transition(id, ["importing"], { status });
    return {
      id,
      ...summary,
      broadcast: await findRecord(deps.repository, id),
      startNow: parsed.start === true && scheduledAt === null,
    };
  } catch (error) {
    await deps.repository.delete(id);
    throw error;
  }
}

const UPLOADABLE = ["draft", "scheduled", "paused"] as const;

/**
 * Replaces the rows not yet handed to the outbox. Rows already fed stay, and a number among them is
 * reported as a duplicate in the new list; the outbox key (broadcast id + number) is what finally
 * guarantees nobody gets this broadcast twice.
 */
export async function uploadToBroadcast(
  deps: CreateDependencies,
  input: BroadcastIdInput,
  csv: AsyncIterable<Uint8Array | string>,
): Promise<BroadcastCreated> {
  const broadcast = await findRecord(deps.repository, input.id);
  if (!(UPLOADABLE as readonly string[]).includes(broadcast.status)) {
    throw new BroadcastStateError(broadcast.id, broadcast.status, "uploading a list", UPLOADABLE);
  }
  const header = await readHeader(csv, broadcast.template, deps.limits);
  await deps.repository.deleteUnfed(broadcast.id);
  const known = new Map([...(await deps.repository.phones(broadcast.id))].map((phone) => [phone, 0]));
  const summary = await importRows({
    repository: deps.repository,
    broadcastId: broadcast.id,
    header,
    defaultCountry: deps.defaultCountry(),
    known,
  });
  return { id: broadcast.id, ...summary, broadcast: await findRecord(deps.repository, broadcast.id) };
}

async function findRecord(repository: BroadcastRepository, id: string): Promise<BroadcastRecord> {
  const row = await repository.find(id);
  if (!row || row.status === "importing") throw new BroadcastNotFoundError(id);
  return toBroadcastRecord(row);
}
