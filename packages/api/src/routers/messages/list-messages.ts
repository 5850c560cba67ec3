import { listMessagesInput } from "@kabar/core/schemas";
import { authedProcedure } from "../../trpc/trpc.js";

export const listMessages = authedProcedure
  .input(listMessagesInput)
  .query(({ ctx, input }) => ctx.kabar.messages.list(input));
