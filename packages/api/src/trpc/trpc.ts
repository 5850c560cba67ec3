/**
 * initTRPC once, and the three base procedures every procedure is built on:
 * public (login, setup, health), authed (admin cookie or API token), admin (cookie only).
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { describeError, toTRPCError, UNAUTHENTICATED_MESSAGE } from "../errors.js";
import type { Context } from "./context.js";

const t = initTRPC.context<Context>().create({
  sse: {
    // Proxies drop idle streams; a ping every 15 s keeps them open, and a client that hears
    // nothing for 30 s reconnects (resuming from its lastEventId).
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 30_000 },
  },
  errorFormatter({ shape, error }) {
    const { body } = describeError(error);
    // Readable message instead of zod's JSON; the field travels in data.kabar for forms.
    return { ...shape, message: body.message, data: { ...shape.data, stack: undefined, kabar: body } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors from core become tRPC errors here, once, for every procedure. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});

export const publicProcedure = t.procedure.use(mapDomainErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: UNAUTHENTICATED_MESSAGE });
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.kind !== "admin") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Only the admin (logged in to the panel) may do this.",
    });
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});
