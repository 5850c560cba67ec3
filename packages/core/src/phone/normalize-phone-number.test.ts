import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import { normalizePhoneNumber } from "./normalize-phone-number.js";

describe("normalizePhoneNumber", () => {
  it.each([
    ["+62 812-3456-7890", "6281234567890"],
    ["+6281234567890", "6281234567890"],
    ["081234567890", "6281234567890"],
    ["0812-3456-7890", "6281234567890"],
    ["6281234567890", "6281234567890"],
    ["62 812 3456 7890", "6281234567890"],
    ["812-3456-7890", "6281234567890"],
    ["(021) 555-1234", "62215551234"],
    ["+1 415 555 2671", "14155552671"],
  ])("reads %s as %s", (input, expected) => {
    expect(normalizePhoneNumber(input)).toBe(expected);
  });

  it("uses the configured default country for local forms", () => {
    expect(normalizePhoneNumber("(415) 555-2671", "US")).toBe("14155552671");
    expect(normalizePhoneNumber("012 345 6789", "MY")).toBe("60123456789");
  });

  it.each([
    "0812",
    "abc",
    "0000",
    "+62 1",
    "4155552671",
    "+999 123",
    "0812-3456-7890xyz",
    "+62 812 3456 7890 ☎",
    "0812\u00003456",
  ])("rejects %s naming the input", (input) => {
    let caught: unknown;
    try {
      normalizePhoneNumber(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect(caught).toMatchObject({ code: "INVALID_INPUT", field: "to" });
    expect(caught).toMatchObject({ message: expect.stringContaining(`"${input}"`) });
  });

  it("rejects an unknown default country", () => {
    expect(() => normalizePhoneNumber("0812", "XX")).toThrow(/"XX"/);
  });
});
