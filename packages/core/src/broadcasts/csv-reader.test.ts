import { describe, expect, it } from "vitest";
import { InvalidInputError, UploadTooLargeError } from "../errors.js";
import { readCsv } from "./csv-reader.js";

async function records(chunks: (string | Uint8Array)[], limits?: Parameters<typeof readCsv>[1]) {
  const out: { line: number; fields: string[] }[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const record of readCsv(source(), limits)) out.push(record);
  return out;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("readCsv", () => {
  it("reads ; lists with a BOM, quotes, escaped quotes and line breaks inside quotes, split anywhere", async () => {
    const text =
      '\uFEFFnama;no. hp;catatan\r\n"Budi; S.";0812-1111-2222;"kata ""halo""\r\nbaris 2"\r\n\r\nSiti;0813;x\r\n';
    const whole = await records([bytes(text)]);
    // every split point, also inside the BOM and inside multi-byte characters' neighbours
    const encoded = bytes(text);
    for (let cut = 1; cut < encoded.length; cut += 7) {
      expect(await records([encoded.slice(0, cut), encoded.slice(cut)])).toEqual(whole);
    }
    expect(whole).toEqual([
      { line: 1, fields: ["nama", "no. hp", "catatan"] },
      { line: 2, fields: ["Budi; S.", "0812-1111-2222", 'kata "halo"\r\nbaris 2'] },
      { line: 5, fields: ["Siti", "0813", "x"] },
    ]);
  });

  it("takes , when the header has more commas than semicolons", async () => {
    expect(await records(["phone,nama;x\n0812,Budi;y\n"])).toEqual([
      { line: 1, fields: ["phone", "nama;x"] },
      { line: 2, fields: ["0812", "Budi;y"] },
    ]);
  });

  it("refuses binary files, NUL bytes, overlong lines, unclosed quotes and too many bytes", async () => {
    await expect(records([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00])])).rejects.toThrow(
      /not UTF-8/,
    );
    await expect(records(["phone\n0812\u0000\n"])).rejects.toThrow(/NUL/);
    await expect(records(["phone\n", "x".repeat(70_000)])).rejects.toThrow(/line 2 is longer than 65536/);
    await expect(records(["y".repeat(70_000)])).rejects.toThrow(/line 1 is longer/);
    await expect(records(['phone\n"0812\n'])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(records(["phone\n0812\n"], { maxBytes: 5, maxRecordChars: 100 })).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
  });
});
