import { sendMessageInput } from "@kabar/core/schemas";
import { sendProcedure } from "../../trpc/trpc.js";

/** Queues a text in the durable outbox; resolves with its id and status "queued". */
export const sendMessage = sendProcedure
  .input(sendMessageInput)
  .mutation(({ ctx, input }) => ctx.kabar.messages.send(input));
