import { broadcastIdInput, previewBroadcastInput, scheduleBroadcastInput } from "@kabar/core/schemas";
import { readProcedure, router, sendProcedure } from "../../trpc/trpc.js";
import { createBroadcast } from "./create-broadcast.js";
import { onBroadcastProgress } from "./on-broadcast-progress.js";

/** Broadcasts ("Siaran"): reading needs a read token; anything that sends or stops sending needs send. */
export const broadcastsRouter = router({
  create: createBroadcast,
  preview: readProcedure
    .input(previewBroadcastInput)
    .query(({ ctx, input }) => ctx.kabar.broadcasts.preview(input)),
  list: readProcedure.query(({ ctx }) => ctx.kabar.broadcasts.list()),
  get: readProcedure.input(broadcastIdInput).query(({ ctx, input }) => ctx.kabar.broadcasts.get(input)),
  start: sendProcedure
    .input(broadcastIdInput)
    .mutation(({ ctx, input }) => ctx.kabar.broadcasts.start(input)),
  schedule: sendProcedure
    .input(scheduleBroadcastInput)
    .mutation(({ ctx, input }) => ctx.kabar.broadcasts.schedule(input)),
  pause: sendProcedure
    .input(broadcastIdInput)
    .mutation(({ ctx, input }) => ctx.kabar.broadcasts.pause(input)),
  resume: sendProcedure
    .input(broadcastIdInput)
    .mutation(({ ctx, input }) => ctx.kabar.broadcasts.resume(input)),
  cancel: sendProcedure
    .input(broadcastIdInput)
    .mutation(({ ctx, input }) => ctx.kabar.broadcasts.cancel(input)),
  onProgress: onBroadcastProgress,
});
