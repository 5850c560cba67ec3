import { z } from "zod";
import { adminProcedure } from "../../trpc/trpc.js";

export const deleteSessionInput = z.object({
  id: z.string({ error: "id is required" }).min(1, { error: "id is required" }).max(100),
});

export const deleteSession = adminProcedure.input(deleteSessionInput).mutation(async ({ ctx, input }) => {
  await ctx.kabar.sessions.delete(input.id);
  return { id: input.id, deleted: true as const };
});
