import { tracked } from "@trpc/server";
import { z } from "zod";
import { eventsOfType } from "../../trpc/events.js";
import { authedProcedure } from "../../trpc/trpc.js";

export const onMessageStatusInput = z.object({ lastEventId: z.string().max(100).nullish() }).optional();

/** Every message status change (queued → sent → delivered → read, or failed); resumable. */
export const onMessageStatus = authedProcedure.input(onMessageStatusInput).subscription(async function* ({
  ctx,
  input,
  signal,
}) {
  for await (const { id, event } of eventsOfType(ctx.kabar.events, "message.status", {
    lastEventId: input?.lastEventId ?? null,
    signal,
  })) {
    yield tracked(id, event.message);
  }
});
