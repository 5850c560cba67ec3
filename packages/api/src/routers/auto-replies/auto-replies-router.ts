import { autoReplyInput, autoReplyKeywordInput } from "@kabar/core/schemas";
import { authedProcedure, router } from "../../trpc/trpc.js";

/** Keyword → reply; matched on the whole message, any case, once per contact per keyword per hour. */
export const autoRepliesRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.kabar.autoReplies.list()),
  set: authedProcedure.input(autoReplyInput).mutation(({ ctx, input }) => ctx.kabar.autoReplies.set(input)),
  remove: authedProcedure
    .input(autoReplyKeywordInput)
    .mutation(({ ctx, input }) => ctx.kabar.autoReplies.remove(input)),
});
