import { z } from "zod";
import { tokenScopeSchema } from "../../auth/access.js";
import { adminProcedure } from "../../trpc/trpc.js";

export const createTokenInput = z.object({
  name: z
    .string({ error: "name is required" })
    .trim()
    .min(1, { error: "name is required" })
    .max(100, { error: "name must be at most 100 characters" }),
  /** send: send and read messages; read: read messages only; admin: everything the panel can do. */
  scope: tokenScopeSchema.default("send"),
});

/** The token itself is in this answer only; afterwards just its prefix is shown. */
export const createToken = adminProcedure
  .input(createTokenInput)
  .mutation(({ ctx, input }) => ctx.auth.createToken(input.name, input.scope));
