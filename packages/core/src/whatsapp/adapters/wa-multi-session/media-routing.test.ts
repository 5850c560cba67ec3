import { writeFileSync } from "node:fs";
import { get, type Agent } from "node:https";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaRoutingError, mediaSocketConfig } from "./media-routing.js";

/** A GET through the agent Baileys would be given; resolves with the HTTP status. */
function statusVia(agent: unknown, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: agent as Agent }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on("error", reject);
  });
}

function agentOf(config: ReturnType<typeof mediaSocketConfig>): unknown {
  expect(config.fetchAgent).toBeDefined();
  expect(config.options?.httpsAgent).toBe(config.fetchAgent);
  return config.fetchAgent;
}

describe("routing WhatsApp's media hosts (WHATSAPP_MEDIA_URL, WHATSAPP_EXTRA_CA)", () => {
  let simulator: WhatsAppSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
  });
  afterAll(async () => simulator.close());

  it("changes nothing when told nothing: Baileys keeps its own defaults", () => {
    expect(mediaSocketConfig(undefined)).toEqual({});
    expect(mediaSocketConfig({})).toEqual({});
  });

  it("reaches the simulator under WhatsApp's host name when its CA is trusted", async () => {
    const { url, caPath } = simulator.media.info();
    const agent = agentOf(mediaSocketConfig({ url, extraCaPath: caPath }));
    // the simulator answers 404 for an unknown direct path: the TLS handshake as mmg.whatsapp.net passed
    expect(await statusVia(agent, "https://mmg.whatsapp.net/v/t62.7119-24/none.enc")).toBe(404);
  });

  it("refuses the simulator's certificate when WHATSAPP_EXTRA_CA is not given", async () => {
    const agent = agentOf(mediaSocketConfig({ url: simulator.media.info().url }));
    await expect(statusVia(agent, "https://mmg.whatsapp.net/v/none.enc")).rejects.toThrow(
      /self.signed|unable to verify|certificate/i,
    );
  });

  it("names the variable when the CA file is missing or holds no certificate", () => {
    expect(() => mediaSocketConfig({ extraCaPath: "/nonexistent/ca.pem" })).toThrow(MediaRoutingError);
    expect(() => mediaSocketConfig({ extraCaPath: "/nonexistent/ca.pem" })).toThrow(/^WHATSAPP_EXTRA_CA: /);
    const notPem = `${simulator.media.info().caPath}.txt`;
    writeFileSync(notPem, "not a certificate");
    expect(() => mediaSocketConfig({ extraCaPath: notPem })).toThrow(/holds no PEM certificate/);
    expect(() => mediaSocketConfig({ url: "http://127.0.0.1:1" })).toThrow(/^WHATSAPP_MEDIA_URL: /);
  });
});
