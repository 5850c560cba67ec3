import type { ReceivedMessage } from "@kabar/whatsapp-simulator";
import { describe, expect, it } from "vitest";
import { tally } from "../src/tally.js";

const A = "6281200000010";
const B = "6281200000011";

function copy(id: string, text: string, count = 1): ReceivedMessage {
  return { id, text, from: "6281200000001", receivedAt: 0, count };
}

describe("the fault suites' tally", () => {
  it("counts a same-id re-send as one message shown, and a copy under another id as shown twice", () => {
    const accepted = [
      { waMessageId: "3EB0A", to: A, text: "Halo #1" },
      { waMessageId: "3EB0B", to: A, text: "Halo #2" },
      { waMessageId: "3EB0C", to: B, text: "Halo #3" },
      { waMessageId: "3EB0D", to: B, text: "Halo #4" },
    ];
    const received = new Map([
      // #1 arrived three times under its own id (re-sends after lost acks): shown once
      // #2 arrived once, and a second time under an id the outbox never gave it: shown twice
      [A, [copy("3EB0A", "Halo #1", 3), copy("3EB0B", "Halo #2"), copy("3EB0Z", "Halo #2")]],
      // #3 arrived once; #4 never arrived
      [B, [copy("3EB0C", "Halo #3")]],
    ]);
    expect(tally(accepted, received)).toEqual({
      sent: 4,
      delivered: 3,
      lost: 1,
      shownTwice: 1,
      copiesByContent: 1,
      copiesById: { "0": 1, "1": 2, "3": 1 },
      resent: 2,
      unexpected: 1,
      undecrypted: 0,
    });
  });

  it("does not take the same text to another recipient for a copy", () => {
    const accepted = [
      { waMessageId: "3EB0A", to: A, text: "Sama" },
      { waMessageId: "3EB0B", to: B, text: "Sama" },
    ];
    const received = new Map([
      [A, [copy("3EB0A", "Sama")]],
      [B, [copy("3EB0B", "Sama")]],
    ]);
    expect(tally(accepted, received)).toMatchObject({ delivered: 2, shownTwice: 0, copiesByContent: 0 });
  });
});
