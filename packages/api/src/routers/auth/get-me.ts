import { authedProcedure } from "../../trpc/trpc.js";

/** Who is calling: the admin (cookie) or an internal app (token name). */
export const getMe = authedProcedure.query(({ ctx }) => ctx.principal);
