import { adminProcedure } from "../../trpc/trpc.js";

export const listTokens = adminProcedure.query(({ ctx }) => ctx.auth.listTokens());
