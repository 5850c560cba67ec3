/** Message limits as WhatsApp counts them: code points, not UTF-16 units; whitespace alone is no message. */
import { describe, expect, it } from "vitest";
import { countCodePoints, MAX_TEXT_LENGTH, sendMessageInput } from "./schemas.js";

const send = (message: string) => sendMessageInput.safeParse({ to: "081234567890", message });
const messagesOf = (result: ReturnType<typeof send>) =>
  result.success ? [] : result.error.issues.map((issue) => issue.message);

describe("message length", () => {
  it("counts an emoji as one character", () => {
    expect(countCodePoints("😀".repeat(3))).toBe(3);
    expect("😀".repeat(3).length).toBe(6);
  });

  it("accepts 4,096 emoji and refuses 4,097 code points, naming the limit", () => {
    expect(send("😀".repeat(MAX_TEXT_LENGTH)).success).toBe(true);
    expect(messagesOf(send(`${"😀".repeat(MAX_TEXT_LENGTH)}a`))).toEqual([
      `message must be at most ${MAX_TEXT_LENGTH} characters`,
    ]);
    expect(messagesOf(send("a".repeat(10_000)))).toEqual([
      `message must be at most ${MAX_TEXT_LENGTH} characters`,
    ]);
  });

  it("refuses whitespace-only messages", () => {
    for (const blank of [" ", "\n\t ", "\u00a0\u2003"]) {
      expect(messagesOf(send(blank))).toEqual(["message must not be only whitespace"]);
    }
    expect(send(" Halo ").success).toBe(true);
  });
});
