import { readProcedure } from "../../trpc/trpc.js";

/** The cached on-WhatsApp answers per number, with when each expires. */
export const listOnWhatsAppAnswers = readProcedure.query(({ ctx }) => ctx.kabar.onWhatsApp.list());
