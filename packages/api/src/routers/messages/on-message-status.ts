import { tracked } from "@trpc/server";
import { z } from "zod";
import { untilCredentialEnds } from "../../trpc/stream-signal.js";
import { eventsOfType, isResync } from "../../trpc/events.js";
import { readProcedure } from "../../trpc/trpc.js";

export const onMessageStatusInput = z.object({ lastEventId: z.string().max(100).nullish() }).optional();

/**
 * Every message status change (queued → sent → delivered → read, or failed); resumable. When the
 * changes after lastEventId are no longer held (the server keeps the last 1,000 for 10 minutes, and
 * none from before a restart), `{ resync: true }` comes first: re-read `messages.list`.
 */
export const onMessageStatus = readProcedure.input(onMessageStatusInput).subscription(async function* ({
  ctx,
  input,
  signal,
}) {
  for await (const received of eventsOfType(ctx.kabar.events, "message.status", {
    lastEventId: input?.lastEventId ?? null,
    signal: untilCredentialEnds(ctx, signal),
  })) {
    if (isResync(received)) yield tracked(received.id, { resync: true as const });
    else yield tracked(received.id, received.event.message);
  }
});
