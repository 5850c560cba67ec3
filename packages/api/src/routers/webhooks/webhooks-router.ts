import { router } from "../../trpc/trpc.js";
import { createWebhook } from "./create-webhook.js";
import { deleteWebhook } from "./delete-webhook.js";
import { listWebhookDeliveries } from "./list-webhook-deliveries.js";
import { listWebhooks } from "./list-webhooks.js";

/** Admin only: endpoints hold signing secrets. */
export const webhooksRouter = router({
  create: createWebhook,
  list: listWebhooks,
  delete: deleteWebhook,
  deliveries: listWebhookDeliveries,
});
