/**
 * kill -9 of the server process mid-burst: the client retries what was not accepted with the same
 * idempotency key (as a real client would), the restarted server finishes the outbox, and every
 * message arrives exactly once.
 */
import { afterEach, expect, it } from "vitest";
import { type ChildOutbox, startChildOutbox, storedMessages } from "../../src/child-outbox.js";
import { callApi, linkOverRest } from "../../src/rest-client.js";
import { scaled } from "../../src/scale.js";
import { recipient } from "../../src/simulated-kabar.js";
import { printTally, receivedByContacts, receivedByNumber, tally } from "../../src/tally.js";

let harness: ChildOutbox | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const total = scaled(150, 500);

async function sendAll(keys: number[], baseUrl: () => string, token: () => string): Promise<number[]> {
  const refused: number[] = [];
  // Ten at a time: a burst, but bounded, so the kill lands while requests are in flight.
  for (let start = 0; start < keys.length; start += 10) {
    await Promise.all(
      keys.slice(start, start + 10).map(async (index) => {
        const answer = await callApi(baseUrl(), "POST", "/api/messages", {
          token: token(),
          body: { to: recipient(index), message: `Burst #${index}`, idempotencyKey: `burst-${index}` },
        }).catch(() => null);
        if (answer?.status !== 202) refused.push(index);
      }),
    );
  }
  return refused;
}

it(`kill -9 mid-burst of ${total}: after a restart every message is delivered once`, async () => {
  harness = await startChildOutbox();
  const { simulator } = harness;
  await linkOverRest(harness.server, simulator);
  const first = harness.server;
  const killAt = Math.floor(total * 0.3);
  const killed = simulator
    .waitFor("message", () => receivedByContacts(simulator).length >= killAt, 120_000)
    .then(() => first.kill("SIGKILL"));
  const keys = Array.from({ length: total }, (_, index) => index);
  const refused = await sendAll(
    keys,
    () => first.url,
    () => first.token,
  );
  await killed;
  expect(first.child.signalCode).toBe("SIGKILL");
  const beforeRestart = receivedByContacts(simulator).length;

  const second = await harness.restart();
  await second.waitForLine((line) => line.state === "connected", 60_000, true);
  // The client's retry: the same keys; those the first process stored are not queued again.
  const stillRefused = await sendAll(
    refused,
    () => second.url,
    () => second.token,
  );
  expect(stillRefused).toEqual([]);
  await simulator
    .waitFor("message", () => receivedByContacts(simulator).length >= total, 120_000)
    .catch(() => undefined);
  await harness.settled();

  const result = tally(await storedMessages(harness.db()), receivedByNumber(simulator));
  printTally(`kill -9 at ${beforeRestart} arrivals (${refused.length} requests retried)`, result);
  expect(result).toMatchObject({
    sent: total,
    delivered: total,
    lost: 0,
    shownTwice: 0,
    copiesByContent: 0,
    unexpected: 0,
    undecrypted: 0,
  });
});
