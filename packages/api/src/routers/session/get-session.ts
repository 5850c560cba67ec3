import { adminProcedure } from "../../trpc/trpc.js";

export const getSession = adminProcedure.query(({ ctx }) => ctx.kabar.sessions.get());
