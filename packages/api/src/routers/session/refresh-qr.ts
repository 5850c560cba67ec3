import { adminProcedure } from "../../trpc/trpc.js";

export const refreshQr = adminProcedure.mutation(({ ctx }) => ctx.kabar.sessions.refreshQr());
