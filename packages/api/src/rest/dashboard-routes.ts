/** The dashboard's numbers for programs outside the panel (a status page, a report). */
import type { RestRoute } from "./route.js";

export const dashboardRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/api/dashboard",
    access: "read",
    summary:
      "Last 14 days in the organisation's time zone (sent, delivered, read, failed per day), delivery rate, median time to delivered, outbox depth, running broadcast",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: await caller.dashboard.stats() }),
  },
];
