/** `pnpm start`: the product on one port (PORT, default 3000). */
import { readEnv } from "./env.js";
import { createKabar, installProcessGuards } from "./kabar.js";
import { createLogger } from "./logger.js";
import { runUntilSignal, startKabar } from "./start.js";

await runUntilSignal(async () => {
  const env = readEnv();
  const logger = createLogger(env);
  // The server's entry is where the process is changed for the WhatsApp library, not core's import.
  installProcessGuards(logger);
  const running = await startKabar({ env, logger, createKabar });
  process.stdout.write(`Kabar is running at ${running.url} (admin panel at /, health at /health)\n`);
  return running;
});
