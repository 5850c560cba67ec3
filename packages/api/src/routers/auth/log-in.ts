import { z } from "zod";
import { publicProcedure } from "../../trpc/trpc.js";
import { setAdminCookie, withLoginLimit } from "./admin-cookie.js";

export const loginInput = z.object({
  password: z
    .string({ error: "password is required" })
    .min(1, { error: "password is required" })
    .max(1000, { error: "password must be at most 1000 characters" }),
});

/** Sets the HttpOnly admin cookie; scripts can use it too. */
export const logIn = publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
  return setAdminCookie(ctx, await withLoginLimit(ctx, () => ctx.auth.login(input.password)));
});
