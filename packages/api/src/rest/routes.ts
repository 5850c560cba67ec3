import { dashboardRoutes } from "./dashboard-routes.js";
import { broadcastRoutes } from "./broadcast-routes.js";
import { inboxRoutes } from "./inbox-routes.js";
import { messageRoutes } from "./message-routes.js";
import { operationsRoutes } from "./operations-routes.js";
import { outboxRoutes } from "./outbox-routes.js";
import type { RestRoute } from "./route.js";
import { sessionRoutes } from "./session-routes.js";

export const restRoutes: readonly RestRoute[] = [
  ...operationsRoutes,
  ...sessionRoutes,
  ...messageRoutes,
  ...outboxRoutes,
  ...inboxRoutes,
  ...dashboardRoutes,
  ...broadcastRoutes,
];
