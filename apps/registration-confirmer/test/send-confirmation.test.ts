import { createKabarClient } from "@kabar/client";
import { type FakeKabar, startTestServer, type TestServer } from "@kabar/api/testing";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createConfirmer } from "../src/send-confirmation.js";

let server: TestServer<FakeKabar>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

it("sends a registration confirmation through a live Kabar server, once per bib", async () => {
  const confirmer = createConfirmer(createKabarClient({ url: server.url, token: server.token }));
  const registration = {
    name: "Siti Rahma",
    phone: "0812-3456-7890",
    bib: "A1024",
    eventName: "Jakarta 10K",
  };
  const sent = await confirmer.sendConfirmation(registration);
  expect(sent).toMatchObject({ status: "queued", to: "6281234567890", duplicate: false });
  const again = await confirmer.sendConfirmation(registration);
  expect(again).toMatchObject({ id: sent.id, duplicate: true });
  const stored = await confirmer.status(sent.id);
  expect(stored.text).toBe(
    "Halo Siti Rahma, pendaftaran Anda untuk Jakarta 10K sudah dikonfirmasi. Nomor BIB Anda: A1024. Sampai jumpa di garis start!",
  );
});

it("a wrong token is refused, and a bad phone names the field", async () => {
  const intruder = createConfirmer(createKabarClient({ url: server.url, token: "kabar_wrong" }));
  await expect(intruder.sendConfirmation({ name: "X", phone: "0812", bib: "1" })).rejects.toMatchObject({
    data: { code: "UNAUTHORIZED" },
  });
  const confirmer = createConfirmer(createKabarClient({ url: server.url, token: server.token }));
  await expect(confirmer.sendConfirmation({ name: "X", phone: "", bib: "2" })).rejects.toMatchObject({
    message: "to is required",
  });
});
