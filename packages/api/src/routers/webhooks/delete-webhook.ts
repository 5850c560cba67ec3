import { z } from "zod";
import { adminProcedure } from "../../trpc/trpc.js";

export const deleteWebhookInput = z.object({ id: z.string({ error: "id is required" }).min(1).max(100) });

export const deleteWebhook = adminProcedure
  .input(deleteWebhookInput)
  .mutation(({ ctx, input }) => ctx.webhooks.delete(input.id));
