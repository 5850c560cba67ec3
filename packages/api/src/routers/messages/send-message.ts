import { sendMessageInput } from "@kabar/core/schemas";
import { TRPCError } from "@trpc/server";
import type { Principal } from "../../auth/auth-service.js";
import { sendProcedure } from "../../trpc/trpc.js";

/** Overriding a contact's opt-out is the admin's call, not an integration's. */
export function requireAdminForForce(principal: Principal, force: boolean | undefined): void {
  const isAdmin = principal.kind === "admin" || principal.scope === "admin";
  if (force === true && !isAdmin) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "force: only the admin (the panel, or a token with scope admin) may send to a number that opted out",
    });
  }
}

/** Queues a text in the durable outbox; resolves with its id and status "queued". */
export const sendMessage = sendProcedure.input(sendMessageInput).mutation(({ ctx, input }) => {
  requireAdminForForce(ctx.principal, input.force);
  return ctx.kabar.messages.send(input);
});
