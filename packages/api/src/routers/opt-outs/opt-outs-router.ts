import { contactInput } from "@kabar/core/schemas";
import { authedProcedure, router } from "../../trpc/trpc.js";

/** The suppression list: numbers that said stop (or an admin added). */
export const optOutsRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.kabar.optOuts.list()),
  add: authedProcedure.input(contactInput).mutation(({ ctx, input }) => ctx.kabar.optOuts.add(input)),
  remove: authedProcedure.input(contactInput).mutation(({ ctx, input }) => ctx.kabar.optOuts.remove(input)),
});
