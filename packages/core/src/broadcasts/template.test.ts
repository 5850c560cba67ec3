import { describe, expect, it } from "vitest";
import { compileTemplate, findPhoneColumn, renderTemplate } from "./template.js";

describe("broadcast templates", () => {
  it("fills {column} from the row, any case, and names unknown placeholders and the columns", () => {
    const columns = ["Nama", "No. HP", "bib", "kategori"];
    const template = compileTemplate("Halo {nama}, BIB kamu {BIB} untuk {kategori}. {nama}!", columns);
    expect(renderTemplate(template, ["Budi", "0812", "A-12", "10K"])).toBe(
      "Halo Budi, BIB kamu A-12 untuk 10K. Budi!",
    );
    expect(() => compileTemplate("Halo {name} {umur}", columns)).toThrow(
      "template: unknown placeholder {name}, {umur}; the CSV's columns are Nama, No. HP, bib, kategori.",
    );
  });

  it("finds the phone column by the names people use", () => {
    for (const name of ["phone", "Nomor", "no_hp", "HP", "WhatsApp", "telepon", "No. HP", "no telp"]) {
      expect(findPhoneColumn(["nama", name])).toBe(1);
    }
    expect(() => findPhoneColumn(["nama", "email"])).toThrow(/no phone column.*found: nama, email/);
  });
});
