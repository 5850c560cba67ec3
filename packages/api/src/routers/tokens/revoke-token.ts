import { z } from "zod";
import { adminProcedure } from "../../trpc/trpc.js";

export const revokeTokenInput = z.object({ id: z.string({ error: "id is required" }).min(1).max(100) });

export const revokeToken = adminProcedure
  .input(revokeTokenInput)
  .mutation(({ ctx, input }) => ctx.auth.revokeToken(input.id));
