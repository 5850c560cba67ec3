import { onWhatsAppNumberInput } from "@kabar/core/schemas";
import { sendProcedure } from "../../trpc/trpc.js";

/** Forgets one number's answer: the next message to it looks the number up again. */
export const clearOnWhatsAppAnswer = sendProcedure
  .input(onWhatsAppNumberInput)
  .mutation(({ ctx, input }) => ctx.kabar.onWhatsApp.clear(input));
