import { pauseOutboxInput } from "@kabar/core/schemas";
import { sendProcedure } from "../../trpc/trpc.js";

/** Nothing is sent until resume; stored, so a restart keeps the pause. */
export const pauseOutbox = sendProcedure
  .input(pauseOutboxInput)
  .mutation(({ ctx, input }) => ctx.kabar.outbox.pause(input));
