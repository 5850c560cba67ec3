import { contactInput, inboxThreadInput, sendMessageInput } from "@kabar/core/schemas";
import { readProcedure, router, sendProcedure } from "../../trpc/trpc.js";
import { requireAdminForForce } from "../messages/send-message.js";
import { onInboxMessage } from "./on-inbox-message.js";

/** Replying is a send to the contact: the same rules, the number taken from the thread. */
export const inboxReplyInput = contactInput.extend({
  message: sendMessageInput.shape.message,
  force: sendMessageInput.shape.force,
});

export const inboxRouter = router({
  /** Senders, the most recent first, with unread counts and whether they opted out. */
  contacts: readProcedure.query(({ ctx }) => ctx.kabar.inbox.contacts()),
  /** A contact's messages both ways, oldest first. */
  thread: readProcedure.input(inboxThreadInput).query(({ ctx, input }) => ctx.kabar.inbox.thread(input)),
  markRead: sendProcedure.input(contactInput).mutation(({ ctx, input }) => ctx.kabar.inbox.markRead(input)),
  /** Sends through the outbox; 409 "opted out" to a number on the opt-out list unless the admin forces. */
  reply: sendProcedure.input(inboxReplyInput).mutation(({ ctx, input }) => {
    requireAdminForForce(ctx.principal, input.force);
    return ctx.kabar.inbox.reply(input);
  }),
  onMessage: onInboxMessage,
});
