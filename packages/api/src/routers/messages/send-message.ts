import { type SendMessageInput, sendMessageInput } from "@kabar/core/schemas";
import { TRPCError } from "@trpc/server";
import type { Principal } from "../../auth/auth-service.js";
import type { Kabar } from "../../kabar.js";
import { sendProcedure } from "../../trpc/trpc.js";

/** Overriding a contact's opt-out is the admin's call, not an integration's. */
export function requireAdminForForce(principal: Principal, force: boolean | undefined): void {
  const isAdmin = principal.kind === "admin" || principal.scope === "admin";
  if (force === true && !isAdmin) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message:
        "force: only the admin (the panel, or a token with scope admin) may send to a number that opted out",
    });
  }
}

/**
 * Queues a text in the durable outbox; resolves with its id and status "queued". The procedure's
 * body, which `POST /api/messages` also calls straight after its own access check and parse.
 */
export function queueText(kabar: Kabar, principal: Principal, input: SendMessageInput) {
  requireAdminForForce(principal, input.force);
  return kabar.messages.send(input);
}

export const sendMessage = sendProcedure
  .input(sendMessageInput)
  .mutation(({ ctx, input }) => queueText(ctx.kabar, ctx.principal, input));
