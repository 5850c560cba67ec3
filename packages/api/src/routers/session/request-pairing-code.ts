import { connectSessionInput } from "@kabar/core/schemas";
import { authedProcedure } from "../../trpc/trpc.js";

export const requestPairingCodeInput = connectSessionInput.required();

export const requestPairingCode = authedProcedure
  .input(requestPairingCodeInput)
  .mutation(({ ctx, input }) => ctx.kabar.sessions.requestPairingCode(input));
