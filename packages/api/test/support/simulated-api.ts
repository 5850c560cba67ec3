/** A live server on core's createKabar with the real library against a fresh WhatsApp simulator. */
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { createKabarClient, type KabarClient } from "@kabar/client";
import type { TokenScope } from "../../src/auth/access.js";
import type { Kabar } from "../../src/kabar.js";
import { simulatedKabar } from "../../src/testing/start-test-server.js";
import { createTestApi, type TestApi } from "./test-api.js";

export interface SimulatedApi {
  simulator: WhatsAppSimulator;
  api: TestApi<Kabar>;
  baseUrl: string;
  token: string;
  client: KabarClient;
  close(): Promise<void>;
}

export async function startSimulatedApi(scope: TokenScope = "admin"): Promise<SimulatedApi> {
  const simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  const api = await createTestApi<Kabar>({
    kabar: simulatedKabar(simulator),
    meta: { simulated: true, simulatorControlUrl: simulator.controlUrl },
  });
  const baseUrl = await api.listen();
  const token = (await api.deps.auth.createToken(`simulated test (${scope})`, scope)).token;
  return {
    simulator,
    api,
    baseUrl,
    token,
    client: createKabarClient({ url: baseUrl, token }),
    async close() {
      await api.cleanup();
      await simulator.close();
    },
  };
}
