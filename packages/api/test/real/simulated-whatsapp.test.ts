/**
 * The real thing: core's createKabar on wa-multi-session + Baileys, pointed at the WhatsApp
 * simulator, behind a live server. The typed client follows the session over SSE from QR to
 * connected, and a message sent over REST arrives decrypted at the simulated contact.
 * One file, one session: wa-multi-session keeps module-global state.
 */
import type { WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { KabarClient } from "@kabar/client";
import { linkThroughClient } from "../../src/testing/link-through-client.js";
import { request } from "../support/http.js";
import { type SimulatedApi, startSimulatedApi } from "../support/simulated-api.js";

const CONTACT = "6281234567890";
let simulator: WhatsAppSimulator;
let client: KabarClient;
let baseUrl: string;
let token: string;

let started: SimulatedApi | null = null;

beforeAll(async () => {
  started = await startSimulatedApi();
  ({ simulator, baseUrl, token, client } = started);
}, 60_000);

afterAll(async () => {
  await started?.close();
});

it("SSE: QR → the simulated phone scans → connected", async () => {
  const seen = await linkThroughClient(client, (qr) => simulator.phone.scan(qr));
  expect(seen).toContain("waiting_qr");
  expect(seen.at(-1)).toBe("connected");
  const status = await request(baseUrl, "GET", "/api/admin/whatsapp-sessions/status", { token });
  expect(status.body).toMatchObject({ state: "connected", linkedNumber: simulator.state().account.number });
}, 60_000);

it("REST send → delivered, as the message subscription reports and the contact decrypts it", async () => {
  simulator.contacts.add(CONTACT);
  const statuses: string[] = [];
  let messageId = "";
  const delivered = new Promise<void>((resolve, reject) => {
    const subscription = client.messages.onStatus.subscribe(undefined, {
      onStarted: () => {
        request(baseUrl, "POST", "/api/messages", {
          token,
          body: { to: "0812-3456-7890", message: "Pendaftaran dikonfirmasi" },
        })
          .then((response) => {
            expect(response.status).toBe(202);
            messageId = (response.body as { id: string }).id;
          })
          .catch(reject);
      },
      onData: ({ data }) => {
        if ("resync" in data) return;
        if (data.id !== messageId && messageId !== "") return;
        statuses.push(data.status);
        if (data.status === "delivered" || data.status === "read") {
          subscription.unsubscribe();
          resolve();
        }
      },
      onError: reject,
    });
  });
  await delivered;
  expect(statuses).toContain("sent");
  const received = await simulator.waitForMessages(CONTACT, 1);
  expect(received.map((message) => message.text)).toEqual(["Pendaftaran dikonfirmasi"]);

  const metrics = await request(baseUrl, "GET", "/metrics", { token });
  expect(String(metrics.body)).toContain('kabar_session_state{state="connected"} 1');
  expect(String(metrics.body)).toMatch(/kabar_send_latency_ms_count [1-9]/);
  const health = await request(baseUrl, "GET", "/health");
  expect(health).toMatchObject({ status: 200, body: { ok: true, session: { state: "connected" } } });
}, 60_000);
