import { readProcedure } from "../../trpc/trpc.js";

/** The last 14 days per day, delivery rate, median time to delivered, outbox depth; counted in the database. */
export const getDashboardStats = readProcedure.query(({ ctx }) => ctx.kabar.dashboard.stats());
