import { authedProcedure } from "../../trpc/trpc.js";

export const refreshQr = authedProcedure.mutation(({ ctx }) => ctx.kabar.sessions.refreshQr());
