import { z } from "zod";
import { WEBHOOK_EVENTS } from "../../webhooks/webhook-service.js";
import { adminProcedure } from "../../trpc/trpc.js";

export const createWebhookInput = z.object({
  url: z
    .url({ protocol: /^https?$/, error: "url must be an http(s) URL" })
    .max(2000, { error: "url must be at most 2000 characters" })
    .refine((url) => !/^[a-z]+:\/\/[^/?#]*@/i.test(url), {
      error: "url must not contain user:password@ credentials; use the signing secret",
    }),
  /** Which events to send; all when omitted. */
  events: z.array(z.enum(WEBHOOK_EVENTS)).optional(),
});

/** The signing secret is in this answer only. */
export const createWebhook = adminProcedure
  .input(createWebhookInput)
  .mutation(({ ctx, input }) => ctx.webhooks.create(input));
