import { TRPCError } from "@trpc/server";
import { serializeAdminCookie } from "../../auth/cookies.js";
import type { Context } from "../../trpc/context.js";

/** Counts a login/setup attempt from this address; refuses with Retry-After once over the limit. */
export function limitLoginAttempts(ctx: Context): void {
  const verdict = ctx.loginLimiter.attempt(ctx.clientIp);
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
