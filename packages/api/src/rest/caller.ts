import { appRouter } from "../routers/app-router.js";
import { createCallerFactory } from "../trpc/trpc.js";

/**
 * REST handlers call the same procedures as tRPC clients: one validation and auth path. (A text to
 * POST /api/messages calls the procedure's body, queueText, without the caller: see message-routes.ts.)
 */
export const createCaller = createCallerFactory(appRouter);
