import { listMessagesInput } from "@kabar/core/schemas";
import { readProcedure } from "../../trpc/trpc.js";

export const listMessages = readProcedure
  .input(listMessagesInput)
  .query(({ ctx, input }) => ctx.kabar.messages.list(input));
