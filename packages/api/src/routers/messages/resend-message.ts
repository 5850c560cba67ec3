import { messageIdInput } from "@kabar/core/schemas";
import { sendProcedure } from "../../trpc/trpc.js";

/** Queues a failed message again with the same WhatsApp id, so the recipient never sees it twice. */
export const resendMessage = sendProcedure
  .input(messageIdInput)
  .mutation(({ ctx, input }) => ctx.kabar.messages.resend(input.id));
