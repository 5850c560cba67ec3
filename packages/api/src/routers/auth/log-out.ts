import { serializeAdminCookie } from "../../auth/cookies.js";
import { readProcedure } from "../../trpc/trpc.js";

export const logOut = readProcedure.mutation(async ({ ctx }) => {
  if (ctx.adminCookie) await ctx.auth.logout(ctx.adminCookie);
  ctx.response.setHeader(
    "Set-Cookie",
    serializeAdminCookie("", { expiresAt: null, secure: ctx.env.COOKIE_SECURE }),
  );
  return { loggedOut: true as const };
});
