import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import { normalizePhoneNumber, phoneSearchDigits } from "./normalize-phone-number.js";

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

  it("rejects an unknown default country, naming the setting", () => {
    expect(() => normalizePhoneNumber("0812", "XX")).toThrow(/"XX"/);
    expect(() => normalizePhoneNumber("0812", "XX")).toThrow(
      expect.objectContaining({ field: "defaultCountry" }),
    );
  });

  it("names the field it reads for", () => {
    expect(() => normalizePhoneNumber("+62 812", "ID", "phoneNumber")).toThrow(
      expect.objectContaining({ field: "phoneNumber" }),
    );
    expect(normalizePhoneNumber("+6285117132297", "ID", "phoneNumber")).toBe("6285117132297");
  });

  it.each([
    ["0812-3456-7890", "ID", "6281234567890"],
    ["0812", "ID", "62812"],
    ["62812", "ID", "62812"],
    ["+62 812", "ID", "62812"],
    ["012 345", "MY", "6012345"],
    ["3456", "ID", "3456"],
  ])("searches %s (%s) as %s", (input, country, expected) => {
    expect(phoneSearchDigits(input, country)).toBe(expected);
  });
});
