import { tracked } from "@trpc/server";
import { z } from "zod";
import { BEFORE_FIRST_EVENT, eventsOfType, watchLatestEventId } from "../../trpc/events.js";
import { authedProcedure } from "../../trpc/trpc.js";

export const onStatusChangeInput = z.object({ lastEventId: z.string().max(100).nullish() }).optional();

/**
 * Every session state change, every new QR included. A fresh subscriber first gets the current
 * status (tagged with the newest event id, so a reconnect resumes right after it); a resuming one
 * gets what it missed.
 */
export const onStatusChange = authedProcedure.input(onStatusChangeInput).subscription(async function* ({
  ctx,
  input,
  signal,
}) {
  let resumeAfter = input?.lastEventId ?? null;
  if (!resumeAfter) {
    // Read the newest id before the status, so no change between the two is lost.
    resumeAfter = watchLatestEventId(ctx.kabar.events).id ?? BEFORE_FIRST_EVENT;
    yield tracked(resumeAfter, ctx.kabar.sessions.status());
  }
  for await (const { id, event } of eventsOfType(ctx.kabar.events, "session.state", {
    lastEventId: resumeAfter,
    signal,
  })) {
    yield tracked(id, event.status);
  }
});
