import { messageIdInput } from "@kabar/core/schemas";
import { authedProcedure } from "../../trpc/trpc.js";

/** Cancels a queued or held message; any other status is a 409 saying which it is. */
export const cancelMessage = authedProcedure
  .input(messageIdInput)
  .mutation(({ ctx, input }) => ctx.kabar.messages.cancel(input.id));
