import { updateSessionInput } from "@kabar/core/schemas";
import { adminProcedure } from "../../trpc/trpc.js";

export const updateSession = adminProcedure
  .input(updateSessionInput)
  .mutation(({ ctx, input }) => ctx.kabar.sessions.update(input));
