export type { AppRouter } from "./routers/app-router.js";
export { appRouter } from "./routers/app-router.js";
export { createServer, type KabarServer } from "./server.js";
export { readEnv, type Env } from "./env.js";
export { tightenPrivateFiles } from "./private-files.js";
