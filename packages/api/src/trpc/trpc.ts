/**
 * initTRPC once, and the base procedures every procedure is built on, one per access level:
 * public (login, setup, health), read (any token or the admin cookie), send, admin (an admin-scope
 * token or the admin cookie). Each procedure carries its level in meta, so the batch guard and the
 * access-table test can read it.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { type Access, forbiddenMessage, mayCall } from "../auth/access.js";
import { describeError, toTRPCError, UNAUTHENTICATED_MESSAGE } from "../errors.js";
import type { Context } from "./context.js";

export interface ProcedureMeta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
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

export const publicProcedure = t.procedure.use(mapDomainErrors).meta({ access: "anonymous" });

function procedureFor(access: Exclude<Access, "anonymous">) {
  return t.procedure
    .use(mapDomainErrors)
    .meta({ access })
    .use(({ ctx, next }) => {
      if (!ctx.principal) {
        throw new TRPCError({ code: "UNAUTHORIZED", message: UNAUTHENTICATED_MESSAGE });
      }
      if (!mayCall(ctx.principal, access)) {
        throw new TRPCError({ code: "FORBIDDEN", message: forbiddenMessage(ctx.principal, access) });
      }
      return next({ ctx: { ...ctx, principal: ctx.principal } });
    });
}

/** Any principal: every token scope and the admin cookie. */
export const readProcedure = procedureFor("read");
/**
 * Any principal, as before scopes: procedures from before issue 14 keep compiling and mean "read".
 * The access-table test then asks for their row; prefer naming the level (read/send/admin).
 */
export const authedProcedure = readProcedure;
/** Queue messages: tokens with scope send or admin, and the admin cookie. */
export const sendProcedure = procedureFor("send");
/** Session management, settings, tokens, webhooks: admin-scope tokens and the admin cookie. */
export const adminProcedure = procedureFor("admin");
