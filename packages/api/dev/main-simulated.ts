/**
 * `pnpm start:simulated`: the product pointed at a local WhatsApp simulator, for trying the whole
 * flow without a phone. The panel is told (health.simulated) so it shows a banner and offers
 * "scan with the simulated phone".
 */
import path from "node:path";
import { startSimulator } from "@kabar/whatsapp-simulator";
import { readEnv } from "../src/env.js";
import { createKabar, installProcessGuards } from "../src/kabar.js";
import { createLogger } from "../src/logger.js";
import { runUntilSignal, StartupError, startKabar } from "../src/start.js";

await runUntilSignal(async () => {
  const env = readEnv();
  const logger = createLogger(env);
  // The server's entry is where the process is changed for the WhatsApp library, not core's import.
  installProcessGuards(logger);
  // Beside the credentials, so a restart finds the simulated phone that linked them.
  const dataDir = path.join(path.dirname(env.WA_SESSIONS_DIR), "data", "simulator");
  const simulator = await startSimulator({ port: env.SIMULATOR_PORT, host: "127.0.0.1", dataDir }).catch(
    (error: unknown) => {
      if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") {
        throw new StartupError(
          `SIMULATOR_PORT ${env.SIMULATOR_PORT} is already in use — stop the other process or set SIMULATOR_PORT to a free port.`,
        );
      }
      throw error;
    },
  );
  try {
    const running = await startKabar({
      env: { ...env, WHATSAPP_WS_URL: simulator.wsUrl },
      logger,
      createKabar,
      meta: { simulated: true, simulatorControlUrl: simulator.controlUrl },
    });
    process.stdout.write(
      `Kabar (simulated WhatsApp) is running at ${running.url}\nWhatsApp simulator: ${simulator.controlUrl} (control API), ${simulator.wsUrl}\n`,
    );
    return {
      async close() {
        await running.close();
        await simulator.close();
      },
    };
  } catch (error) {
    await simulator.close();
    throw error;
  }
});
