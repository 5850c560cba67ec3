import { tracked } from "@trpc/server";
import { z } from "zod";
import { eventsOfType, isResync } from "../../trpc/events.js";
import { readProcedure } from "../../trpc/trpc.js";

export const onInboxMessageInput = z.object({ lastEventId: z.string().max(100).nullish() }).optional();

/**
 * Every message a contact sends, as it is stored; resumable. `{ resync: true }` first when what came
 * after lastEventId is no longer held: re-read `inbox.contacts`.
 */
export const onInboxMessage = readProcedure.input(onInboxMessageInput).subscription(async function* ({
  ctx,
  input,
  signal,
}) {
  for await (const received of eventsOfType(ctx.kabar.events, "message.received", {
    lastEventId: input?.lastEventId ?? null,
    signal,
  })) {
    if (isResync(received)) yield tracked(received.id, { resync: true as const });
    else yield tracked(received.id, received.event.message);
  }
});
