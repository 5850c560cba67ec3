import { adminProcedure } from "../../trpc/trpc.js";

/** Closes the socket; the credentials stay, so connect links again without a QR. */
export const disconnectSession = adminProcedure.mutation(({ ctx }) => ctx.kabar.sessions.disconnect());
