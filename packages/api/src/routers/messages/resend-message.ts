import { messageIdInput } from "@kabar/core/schemas";
import { sendProcedure } from "../../trpc/trpc.js";

/**
 * Queues a failed or held message again with the same WhatsApp id, so the recipient never sees it
 * twice (a held one: "try now", e.g. after an account-level 463 pause).
 */
export const resendMessage = sendProcedure
  .input(messageIdInput)
  .mutation(({ ctx, input }) => ctx.kabar.messages.resend(input.id));
