import { authedProcedure } from "../../trpc/trpc.js";

/** The cached on-WhatsApp answers per number, with when each expires. */
export const listOnWhatsAppAnswers = authedProcedure.query(({ ctx }) => ctx.kabar.onWhatsApp.list());
