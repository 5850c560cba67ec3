import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../../auth/auth-service.js";
import { isLoopbackAddress } from "../../http/client-address.js";
import { publicProcedure } from "../../trpc/trpc.js";
import { setAdminCookie, withLoginLimit } from "./admin-cookie.js";

export const setupInput = z.object({
  password: z
    .string({ error: "password is required" })
    .min(MIN_PASSWORD_LENGTH, { error: `password must be at least ${MIN_PASSWORD_LENGTH} characters` })
    .max(1000, { error: "password must be at most 1000 characters" }),
  /** Needed only when setting up from another machine: printed in the server log at start. */
  setupToken: z.string().trim().max(200, { error: "setupToken must be at most 200 characters" }).optional(),
});

/**
 * First run only (no admin and no ADMIN_PASSWORD): creates the admin and logs it in. From this
 * machine only, or with the setup token the server printed at start.
 */
export const setUpAdmin = publicProcedure.input(setupInput).mutation(async ({ ctx, input }) => {
  const origin = { isLoopback: isLoopbackAddress(ctx.clientIp), setupToken: input.setupToken || undefined };
  return setAdminCookie(ctx, await withLoginLimit(ctx, () => ctx.auth.setup(input.password, origin)));
});
