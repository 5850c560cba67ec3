import { adminProcedure } from "../../trpc/trpc.js";

/** All sessions, as the seed's GET /api/admin/whatsapp-sessions lists them (at most one). */
export const listSessions = adminProcedure.query(({ ctx }) => ctx.kabar.sessions.list());
