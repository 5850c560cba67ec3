import { readEnv } from "./env.js";
import { startSimulator } from "./simulator.js";

const env = readEnv();
const simulator = await startSimulator({
  port: env.SIMULATOR_PORT,
  host: env.SIMULATOR_HOST,
  dataDir: env.SIMULATOR_DATA_DIR,
  accountNumber: env.SIMULATOR_ACCOUNT_NUMBER,
  minWaVersion: env.SIMULATOR_MIN_WA_VERSION,
  waWebVersion: env.SIMULATOR_WA_WEB_VERSION,
  trace: env.SIMULATOR_TRACE === "1" ? (line) => console.log(line) : undefined,
});

console.log(`WhatsApp simulator for account ${simulator.state().account.number}`);
console.log(
  `  WebSocket: ${simulator.wsUrl}   (point the product at it: WHATSAPP_WS_URL=${simulator.wsUrl})`,
);
console.log(`  Control:   ${simulator.controlUrl}   (GET /state, POST /phone/scan, ... see README)`);
const { waWeb } = simulator.state();
console.log(
  `  Version: minimum ${waWeb.minimum ?? "none"}, ${simulator.controlUrl}/wa-web/sw.js serves ${waWeb.served}`,
);
console.log(
  `  State:     ${env.SIMULATOR_DATA_DIR ? `persisted in ${env.SIMULATOR_DATA_DIR}` : "in memory"}`,
);

const log = (event: string) => (payload: unknown) => console.log(`[${event}] ${JSON.stringify(payload)}`);
simulator.on("qr-refs", log("qr-refs"));
simulator.on("paired", log("paired"));
simulator.on("login", log("login"));
simulator.on("login-rejected", log("login-rejected"));
simulator.on("replaced", log("replaced"));
simulator.on("disconnect", log("disconnect"));
simulator.on("device-removed", log("device-removed"));
simulator.on("message", ({ number, message, isDuplicate }) =>
  console.log(`[message] to ${number}: ${JSON.stringify(message.text)}${isDuplicate ? " (duplicate)" : ""}`),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
