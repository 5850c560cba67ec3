import { updateSessionInput } from "@kabar/core/schemas";
import { authedProcedure } from "../../trpc/trpc.js";

export const updateSession = authedProcedure
  .input(updateSessionInput)
  .mutation(({ ctx, input }) => ctx.kabar.sessions.update(input));
