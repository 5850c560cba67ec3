import { appRouter } from "../routers/app-router.js";
import { createCallerFactory } from "../trpc/trpc.js";

/** REST handlers call the same procedures as tRPC clients: one validation and auth path. */
export const createCaller = createCallerFactory(appRouter);
