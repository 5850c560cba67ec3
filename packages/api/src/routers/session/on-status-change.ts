import { tracked } from "@trpc/server";
import { z } from "zod";
import { untilCredentialEnds } from "../../trpc/stream-signal.js";
import { BEFORE_FIRST_EVENT, eventsOfType, isResync, watchLatestEventId } from "../../trpc/events.js";
import { adminProcedure } from "../../trpc/trpc.js";

export const onStatusChangeInput = z.object({ lastEventId: z.string().max(100).nullish() }).optional();

/**
 * Every session state change, every new QR included. A fresh subscriber first gets the current
 * status (tagged with the newest event id, so a reconnect resumes right after it); a resuming one
 * gets what it missed, or the current status when the missed events are no longer held.
 */
export const onStatusChange = adminProcedure.input(onStatusChangeInput).subscription(async function* ({
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
  for await (const received of eventsOfType(ctx.kabar.events, "session.state", {
    lastEventId: resumeAfter,
    signal: untilCredentialEnds(ctx, signal),
  })) {
    // The whole state replaces the changes that were lost; the status is read after the resync's id.
    if (isResync(received)) yield tracked(received.id, ctx.kabar.sessions.status());
    else yield tracked(received.id, received.event.status);
  }
});
