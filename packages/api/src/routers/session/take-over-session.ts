import { adminProcedure } from "../../trpc/trpc.js";

/**
 * "Use this server": after another client took the session over (replaced), reconnect here on
 * purpose with the saved credentials. Never done automatically, so two servers never fight.
 */
export const takeOverSession = adminProcedure.mutation(({ ctx }) => ctx.kabar.sessions.takeOver());
