import { authedProcedure } from "../../trpc/trpc.js";

export const getStatus = authedProcedure.query(({ ctx }) => ctx.kabar.sessions.status());
