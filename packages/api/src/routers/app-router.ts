import { router } from "../trpc/trpc.js";
import { authRouter } from "./auth/auth-router.js";
import { getHealth } from "./get-health.js";
import { messagesRouter } from "./messages/messages-router.js";
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
});

export type AppRouter = typeof appRouter;
