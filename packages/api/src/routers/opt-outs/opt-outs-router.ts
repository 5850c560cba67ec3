import { contactInput } from "@kabar/core/schemas";
import { readProcedure, router, sendProcedure } from "../../trpc/trpc.js";

/** The suppression list: numbers that said stop (or an admin added). */
export const optOutsRouter = router({
  list: readProcedure.query(({ ctx }) => ctx.kabar.optOuts.list()),
  add: sendProcedure.input(contactInput).mutation(({ ctx, input }) => ctx.kabar.optOuts.add(input)),
  remove: sendProcedure.input(contactInput).mutation(({ ctx, input }) => ctx.kabar.optOuts.remove(input)),
});
