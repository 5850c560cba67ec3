import type { InboundMessageRecord } from "../contract.js";
import { MessageNotFoundError } from "../errors.js";
import { type ListInboundInput, listInboundInput } from "../schemas.js";
import { parseInput } from "../session/parse-input.js";
import type { InboundRepository } from "./inbound-repository.js";

/** Messages contacts sent, newest first, a page at a time. */
export async function listInbound(
  repository: InboundRepository,
  input: ListInboundInput,
): Promise<{ items: InboundMessageRecord[]; nextCursor: string | null }> {
  const { from, cursor, limit } = parseInput(listInboundInput, input);
  // stored numbers are digits; people paste them with + and spaces
  const digits = from?.replace(/\D/g, "");
  const { rows, isCursorKnown } = await repository.list({
    ...(digits ? { from: digits } : {}),
    ...(cursor ? { cursor } : {}),
    limit,
  });
  if (cursor && !isCursorKnown) throw new MessageNotFoundError(cursor);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
