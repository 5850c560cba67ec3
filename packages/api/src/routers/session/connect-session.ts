import { connectSessionInput } from "@kabar/core/schemas";
import { adminProcedure } from "../../trpc/trpc.js";

/** QR by default; a pairing code when phoneNumber is given. */
export const connectSession = adminProcedure
  .input(connectSessionInput.optional())
  .mutation(({ ctx, input }) => ctx.kabar.sessions.connect(input));
