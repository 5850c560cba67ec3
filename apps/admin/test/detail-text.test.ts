import { describe, expect, it } from "vitest";
import { detailText } from "../src/messages/detail-text";
import { en } from "../src/i18n/en";
import { id } from "../src/i18n/id";

const at = (iso: string) => `<${iso}>`;

describe("a server line in the panel's language", () => {
  it("translates a code with its parameters, the date formatted and a refusal's status in brackets", () => {
    expect(
      detailText(id, at, {
        detail: "daily cap of 2 messages reached; waits until 2026-12-02T17:00:00.000Z",
        code: "daily_cap",
        params: { cap: 2, until: "2026-12-02T17:00:00.000Z" },
      }),
    ).toBe("Batas harian 2 pesan tercapai; menunggu hingga <2026-12-02T17:00:00.000Z>");
    expect(detailText(en, at, { detail: "x", code: "refused", params: { status: 463, error: "y" } })).toBe(
      "WhatsApp refused this message (463)",
    );
    expect(detailText(id, at, { detail: "x", code: "refused", params: { status: null, error: "y" } })).toBe(
      "WhatsApp menolak pesan ini",
    );
  });

  it("says a pause by hand without a reason in the panel's words, and the person's reason as typed", () => {
    expect(
      detailText(id, at, { detail: "paused by hand", code: "paused_by_hand", params: { reason: null } }),
    ).toBe(id.sessions.pausedByHandNoReason);
    expect(detailText(id, at, { detail: "acara", code: "paused_by_hand", params: { reason: "acara" } })).toBe(
      "acara",
    );
  });

  it("falls back to the English words for rows without a code and codes newer than the panel", () => {
    expect(detailText(id, at, { detail: "attempt 2", code: null, params: null })).toBe("attempt 2");
    const newer = JSON.parse('{"detail":"something new","code":"from_a_newer_server","params":{}}');
    expect(detailText(id, at, newer)).toBe("something new");
    expect(detailText(id, at, { detail: null, code: null, params: null })).toBeNull();
  });
});
