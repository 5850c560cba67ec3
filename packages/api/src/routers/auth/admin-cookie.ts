import { TRPCError } from "@trpc/server";
import { serializeAdminCookie } from "../../auth/cookies.js";
import type { Context } from "../../trpc/context.js";

/**
 * Runs a password check under the login limit: refused with Retry-After while this address (or the
 * account) is backing off; a wrong password counts, a right one does not.
 */
export async function withLoginLimit<T>(ctx: Context, attempt: () => Promise<T>): Promise<T> {
  refuseWhileLimited(ctx);
  try {
    const result = await attempt();
    ctx.loginLimiter.recordSuccess();
    return result;
  } catch (error) {
    if (error instanceof TRPCError && error.code === "UNAUTHORIZED")
      ctx.loginLimiter.recordFailure(ctx.clientIp);
    throw error;
  }
}

function refuseWhileLimited(ctx: Context): void {
  const verdict = ctx.loginLimiter.check(ctx.clientIp);
  if (verdict.allowed) return;
  ctx.response.setHeader("Retry-After", String(verdict.retryAfterSeconds));
  throw new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message: `Too many login attempts; try again in ${verdict.retryAfterSeconds} s.`,
  });
}

export function setAdminCookie(ctx: Context, session: { token: string; expiresAt: Date }) {
  ctx.response.setHeader(
    "Set-Cookie",
    serializeAdminCookie(session.token, { expiresAt: session.expiresAt, secure: ctx.env.COOKIE_SECURE }),
  );
  return { loggedIn: true as const, expiresAt: session.expiresAt.toISOString() };
}
