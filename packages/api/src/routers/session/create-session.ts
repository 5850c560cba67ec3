import { createSessionInput } from "@kabar/core/schemas";
import { adminProcedure } from "../../trpc/trpc.js";

export const createSession = adminProcedure
  .input(createSessionInput)
  .mutation(({ ctx, input }) => ctx.kabar.sessions.create(input));
