/** `pnpm --filter @kabar/client generate`: rewrites src/app-router.ts from the server's router. */
import { writeFileSync } from "node:fs";
import { GENERATED_FILE, generateRouterTypes } from "./router-types.js";

writeFileSync(GENERATED_FILE, generateRouterTypes());
process.stdout.write(`wrote ${GENERATED_FILE}\n`);
