import { describe, expect, it } from "vitest";
import { decideNextSend, type NextSendInput, type QueuedHead } from "./next-send.js";

const NOW = 1_000_000;
const GAP = 60_000;

function input(heads: QueuedHead[], overrides: Partial<NextSendInput> = {}): NextSendInput {
  return {
    now: NOW,
    settings: { perRecipientGapMs: GAP, dailyCap: 0 },
    globalNextAt: 0,
    heads,
    lastToRecipientAt: new Map(),
    sentToday: 0,
    startOfTomorrow: NOW + 86_400_000,
    ...overrides,
  };
}

const head = (seq: number, to: string, nextAttemptAt = 0): QueuedHead => ({
  id: `m${seq}`,
  seq,
  to,
  nextAttemptAt,
});

describe("decideNextSend", () => {
  it("waits for a wake when nothing is queued", () => {
    expect(decideNextSend(input([]))).toEqual({ kind: "wait", until: null });
  });

  it("sends the oldest head when every recipient may go", () => {
    expect(decideNextSend(input([head(3, "B"), head(1, "A")]))).toMatchObject({
      kind: "send",
      head: { id: "m1" },
    });
  });

  it("skips a recipient inside its gap: B1 goes before A2", () => {
    // A1 just went; A2 is A's head now, B1 is B's.
    const decision = decideNextSend(
      input([head(2, "A"), head(3, "B")], { lastToRecipientAt: new Map([["A", NOW - 1000]]) }),
    );
    expect(decision).toMatchObject({ kind: "send", head: { id: "m3" } });
  });

  it("waits until the recipient's gap ends when it is the only one left", () => {
    const decision = decideNextSend(
      input([head(2, "A")], { lastToRecipientAt: new Map([["A", NOW - 1000]]) }),
    );
    expect(decision).toEqual({ kind: "wait", until: NOW - 1000 + GAP });
  });

  it("lets a message in backoff never delay a later one to someone else", () => {
    const decision = decideNextSend(input([head(1, "A", NOW + 30_000), head(2, "B")]));
    expect(decision).toMatchObject({ kind: "send", head: { id: "m2" } });
  });

  it("wakes at the earliest head's time, never before the global gap", () => {
    const decision = decideNextSend(
      input([head(1, "A", NOW + 30_000), head(2, "B", NOW + 5000)], { globalNextAt: NOW + 8000 }),
    );
    expect(decision).toEqual({ kind: "wait", until: NOW + 8000 });
  });

  it("holds everyone for the global gap", () => {
    const decision = decideNextSend(input([head(1, "A"), head(2, "B")], { globalNextAt: NOW + 1500 }));
    expect(decision).toEqual({ kind: "wait", until: NOW + 1500 });
  });

  it("stops every recipient at the daily cap, marking the oldest head", () => {
    const decision = decideNextSend(
      input([head(4, "B"), head(2, "A")], {
        settings: { perRecipientGapMs: GAP, dailyCap: 10 },
        sentToday: 10,
      }),
    );
    expect(decision).toEqual({ kind: "daily_cap", until: NOW + 86_400_000, head: head(2, "A") });
  });
});
