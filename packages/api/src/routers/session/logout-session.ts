import { adminProcedure } from "../../trpc/trpc.js";

/** Unlinks the device on WhatsApp's side; the next connect needs a new QR. */
export const logoutSession = adminProcedure.mutation(({ ctx }) => ctx.kabar.sessions.logout());
