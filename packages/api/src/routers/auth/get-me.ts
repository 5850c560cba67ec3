import { readProcedure } from "../../trpc/trpc.js";

/** Who is calling: the admin (cookie) or an internal app (token name). */
export const getMe = readProcedure.query(({ ctx }) => ctx.principal);
