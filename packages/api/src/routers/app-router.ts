import { router } from "../trpc/trpc.js";
import { alertsRouter } from "./alerts/alerts-router.js";
import { authRouter } from "./auth/auth-router.js";
import { autoRepliesRouter } from "./auto-replies/auto-replies-router.js";
import { dashboardRouter } from "./dashboard/dashboard-router.js";
import { broadcastsRouter } from "./broadcasts/broadcasts-router.js";
import { getHealth } from "./get-health.js";
import { inboxRouter } from "./inbox/inbox-router.js";
import { messagesRouter } from "./messages/messages-router.js";
import { optOutsRouter } from "./opt-outs/opt-outs-router.js";
import { onWhatsAppRouter } from "./on-whatsapp/on-whatsapp-router.js";
import { outboxRouter } from "./outbox/outbox-router.js";
import { sessionRouter } from "./session/session-router.js";
import { settingsRouter } from "./settings/settings-router.js";
import { tokensRouter } from "./tokens/tokens-router.js";
import { webhooksRouter } from "./webhooks/webhooks-router.js";

export const appRouter = router({
  health: getHealth,
  auth: authRouter,
  session: sessionRouter,
  messages: messagesRouter,
  outbox: outboxRouter,
  onWhatsApp: onWhatsAppRouter,
  tokens: tokensRouter,
  settings: settingsRouter,
  webhooks: webhooksRouter,
  inbox: inboxRouter,
  optOuts: optOutsRouter,
  autoReplies: autoRepliesRouter,
  alerts: alertsRouter,
  dashboard: dashboardRouter,
  broadcasts: broadcastsRouter,
});

export type AppRouter = typeof appRouter;
