import { messageIdInput } from "@kabar/core/schemas";
import { MessageNotFoundError } from "../../kabar.js";
import { readProcedure } from "../../trpc/trpc.js";

export const getMessage = readProcedure.input(messageIdInput).query(async ({ ctx, input }) => {
  const message = await ctx.kabar.messages.get(input.id);
  if (!message) throw new MessageNotFoundError(input.id);
  return message;
});
