/** The example app against a live server on the real WhatsApp library and the simulator: the runner's phone gets the text. */
import { createKabarClient } from "@kabar/client";
import { startSimulatedTestServer } from "@kabar/api/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { confirmationText, createConfirmer } from "../src/send-confirmation.js";

let server: Awaited<ReturnType<typeof startSimulatedTestServer>>;
beforeAll(async () => {
  server = await startSimulatedTestServer();
}, 60_000);
afterAll(() => server?.close());

it("the runner's phone receives the confirmation exactly once", async () => {
  const runner = "6281298765432";
  server.simulator.contacts.add(runner);
  const confirmer = createConfirmer(createKabarClient({ url: server.url, token: server.token }));
  const registration = {
    name: "Budi",
    phone: "0812-9876-5432",
    bib: "B2048",
    eventName: "Bandung Half Marathon",
  };
  const first = await confirmer.sendConfirmation(registration);
  const second = await confirmer.sendConfirmation(registration);
  expect(second).toMatchObject({ id: first.id, duplicate: true });
  expect((await server.kabar.messages.list({})).items).toHaveLength(1);
  const received = await server.simulator.waitForMessages(runner, 1);
  expect(received.map((message) => message.text)).toEqual([confirmationText(registration)]);
}, 60_000);
