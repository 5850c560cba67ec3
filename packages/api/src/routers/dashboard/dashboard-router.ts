import { router } from "../../trpc/trpc.js";
import { getDashboardStats } from "./get-dashboard-stats.js";

export const dashboardRouter = router({
  stats: getDashboardStats,
});
