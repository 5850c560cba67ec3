/**
 * kill -9 while an image is being uploaded (the simulator's media host holds the upload: media fault
 * "hang"): the bytes are already in data/media/, the restarted server sends the row again with the
 * same WhatsApp id, uploads again, and the contact shows exactly one copy of the same file.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { type ChildOutbox, startChildOutbox } from "../../src/child-outbox.js";
import { callApi, linkOverRest } from "../../src/rest-client.js";
import { recipient } from "../../src/simulated-kabar.js";

let harness: ChildOutbox | null = null;
afterEach(async () => {
  harness?.simulator.faults.media("normal");
  await harness?.close();
  harness = null;
});

function jpeg(label: string): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.from(label),
    Buffer.alloc(4096, 5),
    Buffer.from([0xff, 0xd9]),
  ]);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

it("kill -9 during an image upload: after a restart the image is delivered once", async () => {
  harness = await startChildOutbox();
  const { simulator } = harness;
  await linkOverRest(harness.server, simulator);
  const first = harness.server;
  const sendImage = (to: string, bytes: Buffer, caption: string) =>
    callApi(first.url, "POST", "/api/messages", {
      token: first.token,
      body: { to, media: { data: bytes.toString("base64"), mimeType: "image/jpeg" }, caption },
    });

  // One image first: Baileys caches the socket's media_conn answer, so the next send goes straight
  // to the upload, which is where the fault below holds it.
  const warmUp = simulator.waitFor("message", ({ message }) => message.media !== undefined, 60_000);
  expect((await sendImage(recipient(0), jpeg("warm-up"), "Pemanasan")).status).toBe(202);
  await warmUp;

  simulator.faults.media("hang");
  const held = simulator.waitFor(
    "media-request",
    (request) => request.outcome === "hang" && request.path.startsWith("/mms/image/"),
    60_000,
  );
  const image = jpeg("race-pack");
  const accepted = await sendImage(recipient(1), image, "Race pack");
  expect(accepted.status).toBe(202);
  const { id } = accepted.body as { id: string };
  await held;
  await first.kill("SIGKILL");
  expect(first.child.signalCode).toBe("SIGKILL");
  const row = await harness.db().outboxMessage.findUniqueOrThrow({
    where: { id },
    select: { status: true, waMessageId: true, mediaSha256: true },
  });
  expect(row).toMatchObject({ status: "sending", mediaSha256: sha256(image) });
  expect(await readdir(path.join(harness.dir, "media"))).toContain(sha256(image));

  simulator.faults.media("normal");
  const arrived = simulator.waitFor(
    "message",
    ({ message }) => message.id === row.waMessageId && message.media !== undefined,
    60_000,
  );
  const second = await harness.restart();
  await second.waitForLine((line) => line.state === "connected", 60_000, true);
  await arrived;
  await harness.settled();

  const copies = simulator.contacts
    .messages(recipient(1))
    .filter((message) => message.id === row.waMessageId);
  expect(copies).toHaveLength(1);
  expect(copies[0]).toMatchObject({
    count: 1,
    media: { type: "image", caption: "Race pack", size: image.byteLength, sha256: sha256(image) },
  });
  expect(copies[0]?.mediaError).toBeUndefined();
  expect(simulator.contacts.messages(recipient(1))).toHaveLength(1);
});
