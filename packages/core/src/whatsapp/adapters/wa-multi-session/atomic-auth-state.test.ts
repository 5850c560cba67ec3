/**
 * What the auth state reports when its folder refuses writes, and that it reports the recovery once
 * every kept write has landed. The refusal comes through the file-operations seam: as root a chmod
 * would not stop the write, and a read-only mount needs privileges a CI runner may not have.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { type AuthFileOperations, useAtomicMultiFileAuthState } from "./atomic-auth-state.js";

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** Real writes, or ENOSPC while `isRefusing`, as a full disk answers. */
function refusableFiles() {
  const control = { isRefusing: false };
  const refuse = () => {
    if (!control.isRefusing) return;
    throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
  };
  const files: AuthFileOperations = {
    async write(file, content) {
      refuse();
      await writeFile(file, content, "utf8");
    },
    async remove(file) {
      refuse();
      await rm(file, { force: true });
    },
  };
  return { files, control };
}

it("reports a refused write once, keeps it readable, and reports recovery when the retry lands", async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), "kabar-auth-"));
  folders.push(folder);
  const { files, control } = refusableFiles();
  const problems: Error[] = [];
  let recoveries = 0;
  let onRecovered = () => {};
  const recovered = new Promise<void>((resolve) => {
    onRecovered = resolve;
  });
  const { state } = await useAtomicMultiFileAuthState(folder, {
    files,
    onUnwritable: (error) => problems.push(error),
    onWritable: () => {
      recoveries += 1;
      onRecovered();
    },
  });

  control.isRefusing = true;
  await state.keys.set({ session: { "alice.0": Buffer.from("first") } });
  await state.keys.set({ session: { "bob.0": Buffer.from("second") } });
  expect(problems).toHaveLength(1);
  expect(problems[0]?.message).toContain(folder);
  expect(problems[0]?.message).toContain("ENOSPC");
  // The key material itself never goes into the report.
  expect(problems[0]?.message).not.toContain("first");
  expect(recoveries).toBe(0);
  // Kept in memory, so Baileys still reads what it wrote.
  expect((await state.keys.get("session", ["alice.0"]))["alice.0"]).toBeTruthy();

  control.isRefusing = false;
  await recovered;
  expect(recoveries).toBe(1);
  expect(problems).toHaveLength(1);
  expect(await readFile(path.join(folder, "session-alice.0.json"), "utf8")).toContain("Buffer");
  expect(await readFile(path.join(folder, "session-bob.0.json"), "utf8")).toContain("Buffer");
});

it("keeps retrying a kept write whose retry fails in another way, until it lands", async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), "kabar-auth-"));
  folders.push(folder);
  // ENOSPC first, then an I/O error on the first retry, then the disk takes writes again.
  const failures = ["ENOSPC", "EIO"];
  const files: AuthFileOperations = {
    async write(file, content) {
      const code = failures.shift();
      if (code) throw Object.assign(new Error(`${code}: refused`), { code });
      await writeFile(file, content, "utf8");
    },
    async remove(file) {
      await rm(file, { force: true });
    },
  };
  let onRecovered = () => {};
  const recovered = new Promise<void>((resolve) => {
    onRecovered = resolve;
  });
  const { state } = await useAtomicMultiFileAuthState(folder, { files, onWritable: () => onRecovered() });
  await state.keys.set({ session: { "carol.0": Buffer.from("third") } });
  await recovered;
  expect(failures).toEqual([]);
  expect(await readFile(path.join(folder, "session-carol.0.json"), "utf8")).toContain("Buffer");
}, 10_000);
