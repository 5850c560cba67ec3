import { adminProcedure } from "../../trpc/trpc.js";

export const listWebhooks = adminProcedure.query(({ ctx }) => ctx.webhooks.list());
