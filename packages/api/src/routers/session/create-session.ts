import { createSessionInput } from "@kabar/core/schemas";
import { authedProcedure } from "../../trpc/trpc.js";

export const createSession = authedProcedure
  .input(createSessionInput)
  .mutation(({ ctx, input }) => ctx.kabar.sessions.create(input));
