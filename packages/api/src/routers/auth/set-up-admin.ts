import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../../auth/auth-service.js";
import { publicProcedure } from "../../trpc/trpc.js";
import { limitLoginAttempts, setAdminCookie } from "./admin-cookie.js";

export const setupInput = z.object({
  password: z
    .string({ error: "password is required" })
    .min(MIN_PASSWORD_LENGTH, { error: `password must be at least ${MIN_PASSWORD_LENGTH} characters` })
    .max(1000, { error: "password must be at most 1000 characters" }),
});

/** First run only (no admin and no ADMIN_PASSWORD): creates the admin and logs it in. */
export const setUpAdmin = publicProcedure.input(setupInput).mutation(async ({ ctx, input }) => {
  limitLoginAttempts(ctx);
  return setAdminCookie(ctx, await ctx.auth.setup(input.password));
});
