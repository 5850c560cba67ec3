import { connectSessionInput } from "@kabar/core/schemas";
import { adminProcedure } from "../../trpc/trpc.js";

export const requestPairingCodeInput = connectSessionInput.required();

export const requestPairingCode = adminProcedure
  .input(requestPairingCodeInput)
  .mutation(({ ctx, input }) => ctx.kabar.sessions.requestPairingCode(input));
