import { listInboundInput } from "@kabar/core/schemas";
import { readProcedure } from "../../trpc/trpc.js";

/** Messages contacts sent to the account, newest first (the inbox builds on this). */
export const listInboundMessages = readProcedure
  .input(listInboundInput)
  .query(({ ctx, input }) => ctx.kabar.messages.inbound(input));
