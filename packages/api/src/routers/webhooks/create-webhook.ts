import { z } from "zod";
import { WEBHOOK_EVENTS } from "../../webhooks/webhook-service.js";
import { adminProcedure } from "../../trpc/trpc.js";

export const createWebhookInput = z.object({
  url: z.url({ protocol: /^https?$/, error: "url must be an http(s) URL" }),
  /** Which events to send; all when omitted. */
  events: z.array(z.enum(WEBHOOK_EVENTS)).optional(),
});

/** The signing secret is in this answer only. */
export const createWebhook = adminProcedure
  .input(createWebhookInput)
  .mutation(({ ctx, input }) => ctx.webhooks.create(input));
