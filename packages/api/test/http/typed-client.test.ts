import { afterEach, beforeEach, expect, it } from "vitest";
import { createKabarClient } from "@kabar/client";
import type { SessionStatus } from "../../src/kabar.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(() => api.cleanup());

it("a token-bearing client queries, mutates and follows the session over SSE", async () => {
  const url = await api.listen();
  const { token } = await api.deps.auth.createToken("operator app", "admin");
  const client = createKabarClient({ url, token });
  await client.session.create.mutate({ name: "Panitia", sessionId: "panitia" });

  const states: SessionStatus["state"][] = [];
  const connected = new Promise<void>((resolve, reject) => {
    const subscription = client.session.onStatusChange.subscribe(undefined, {
      onData: ({ data }) => {
        states.push(data.state);
        if (data.state === "disconnected" && states.length === 1) void client.session.connect.mutate();
        if (data.state === "waiting_qr") api.kabar.scan();
        if (data.state === "connected") {
          subscription.unsubscribe();
          resolve();
        }
      },
      onError: reject,
    });
  });
  await connected;
  expect(states).toEqual(["disconnected", "waiting_qr", "connected"]);

  const sent = await client.messages.send.mutate({ to: "0812-3456-7890", message: "Halo" });
  expect(sent).toMatchObject({ status: "queued", to: "6281234567890" });
  expect((await client.messages.get.query({ id: sent.id })).text).toBe("Halo");
});

it("a revoked or unknown token is refused with UNAUTHORIZED", async () => {
  const url = await api.listen();
  const created = await api.deps.auth.createToken("old app", "send");
  await api.deps.auth.revokeToken(created.id);
  for (const token of [created.token, "kabar_not-a-token"]) {
    const client = createKabarClient({ url, token });
    await expect(client.session.status.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
  }
});

it("bad input comes back as a readable message naming the field", async () => {
  const url = await api.listen();
  const { token } = await api.deps.auth.createToken("app", "send");
  const client = createKabarClient({ url, token });
  const error = await client.messages.send
    .mutate({ to: "", message: "x" })
    .catch((caught: unknown) => caught);
  expect(error).toMatchObject({
    message: "to is required",
    data: { code: "BAD_REQUEST", kabar: { field: "to" } },
  });
});
