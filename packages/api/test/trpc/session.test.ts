import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi, untrack } from "../support/test-api.js";

const seedBody = {
  name: "Panitia Lari",
  sessionId: "panitia_lari",
  phoneNumber: "6281234567890",
  isActive: true,
  isDefault: true,
  description: "Nomor konfirmasi pendaftaran",
};

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(() => api.cleanup());

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describe("session procedures", () => {
  it("create, get, list, update", async () => {
    const created = await api.admin().session.create(seedBody);
    expect(created).toMatchObject({ name: "Panitia Lari", sessionId: "panitia_lari", isDefault: true });
    expect(await api.app(undefined, "admin").session.get()).toEqual(created);
    expect(await api.app(undefined, "admin").session.list()).toEqual([created]);
    const updated = await api.admin().session.update({ ...seedBody, id: created.id, name: "Panitia" });
    expect(updated.name).toBe("Panitia");
  });

  it("refuses a second session with CONFLICT and a message naming the first", async () => {
    await api.admin().session.create(seedBody);
    const error = await rejection(
      api.admin().session.create({ ...seedBody, name: "Other", sessionId: "other" }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("Panitia Lari");
  });

  it("refuses to delete the default session; unknown ids are NOT_FOUND", async () => {
    const created = await api.admin().session.create(seedBody);
    const error = await rejection(api.admin().session.delete({ id: created.id }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("default session");
    expect((await rejection(api.admin().session.delete({ id: "nope" }))).code).toBe("NOT_FOUND");
  });

  it("rejects a bad sessionId naming the field, and changes nothing", async () => {
    const error = await rejection(api.admin().session.create({ ...seedBody, sessionId: "Bad Id!" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(await api.admin().session.list()).toEqual([]);
  });

  it("connect (QR), refreshQr, requestPairingCode, disconnect, logout, status", async () => {
    await api.admin().session.create(seedBody);
    const waiting = await api.app(undefined, "admin").session.connect();
    expect(waiting.state).toBe("waiting_qr");
    const refreshed = await api.app(undefined, "admin").session.refreshQr();
    expect(refreshed.qr?.value).not.toBe(waiting.qr?.value);
    const pairing = await api
      .app(undefined, "admin")
      .session.requestPairingCode({ phoneNumber: "+62 812-3456-7890" });
    expect(pairing.pairingCode?.code).toBe("ABCD-EFGH");
    expect((await api.app(undefined, "admin").session.connect({ phoneNumber: "6281234567890" })).state).toBe(
      "waiting_pairing_code",
    );
    expect((await api.app(undefined, "admin").session.disconnect()).state).toBe("disconnected");
    expect((await api.app(undefined, "admin").session.logout()).state).toBe("logged_out");
    expect((await api.app(undefined, "admin").session.status()).state).toBe("logged_out");
  });

  it("connect without a session is NOT_FOUND with core's message", async () => {
    const error = await rejection(api.admin().session.connect());
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toMatch(/create one first/);
  });

  it("onStatusChange yields the current status, then every change, tracked and resumable", async () => {
    await api.admin().session.create(seedBody);
    const controller = new AbortController();
    const stream = await api.app(controller.signal, "admin").session.onStatusChange();
    const iterator = stream[Symbol.asyncIterator]();
    const next = async () => {
      const result = await iterator.next();
      if (result.done) throw new Error("stream ended");
      const { id, data } = untrack(result.value);
      return { id, status: data };
    };
    expect((await next()).status.state).toBe("disconnected");
    await api.app(undefined, "admin").session.connect();
    const qr = await next();
    expect(qr.status.state).toBe("waiting_qr");
    api.kabar.scan();
    const connected = await next();
    expect(connected.status.state).toBe("connected");
    controller.abort();

    // A client that reconnects after the QR event receives exactly what it missed.
    const resumed = await api
      .app(AbortSignal.timeout(2000), "admin")
      .session.onStatusChange({ lastEventId: qr.id });
    for await (const event of resumed) {
      const { id, data } = untrack(event);
      expect({ id, state: data.state }).toEqual({ id: connected.id, state: "connected" });
      break;
    }
  });
});
