import { autoReplyInput, autoReplyKeywordInput } from "@kabar/core/schemas";
import { adminProcedure, router } from "../../trpc/trpc.js";

/** Keyword → reply; matched on the whole message, any case, once per contact per keyword per hour. */
export const autoRepliesRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.kabar.autoReplies.list()),
  set: adminProcedure.input(autoReplyInput).mutation(({ ctx, input }) => ctx.kabar.autoReplies.set(input)),
  remove: adminProcedure
    .input(autoReplyKeywordInput)
    .mutation(({ ctx, input }) => ctx.kabar.autoReplies.remove(input)),
});
