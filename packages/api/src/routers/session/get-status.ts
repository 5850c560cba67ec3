import { adminProcedure } from "../../trpc/trpc.js";

export const getStatus = adminProcedure.query(({ ctx }) => ctx.kabar.sessions.status());
