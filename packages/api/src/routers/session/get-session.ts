import { authedProcedure } from "../../trpc/trpc.js";

export const getSession = authedProcedure.query(({ ctx }) => ctx.kabar.sessions.get());
