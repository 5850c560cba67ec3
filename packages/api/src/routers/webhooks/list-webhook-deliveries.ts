import { z } from "zod";
import { adminProcedure } from "../../trpc/trpc.js";

export const listWebhookDeliveriesInput = z.object({
  endpointId: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** The delivery log: status, attempts, last error and response code of each POST. */
export const listWebhookDeliveries = adminProcedure
  .input(listWebhookDeliveriesInput)
  .query(({ ctx, input }) => ctx.webhooks.deliveries(input));
