import { messageIdInput } from "@kabar/core/schemas";
import { sendProcedure } from "../../trpc/trpc.js";

/** Cancels a queued or held message; any other status is a 409 saying which it is. */
export const cancelMessage = sendProcedure
  .input(messageIdInput)
  .mutation(({ ctx, input }) => ctx.kabar.messages.cancel(input.id));
