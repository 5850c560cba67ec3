/**
 * The panel's JavaScript as the browser downloads it stays within 120 KiB gzip (issue 15): every
 * built .js file, gzip -9, summed — the same count as the bench's figure 7 (bench/src/admin-size.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, expect, it } from "vitest";

const adminDir = path.resolve(import.meta.dirname, "..");
const outDir = mkdtempSync(path.join(tmpdir(), "kabar-admin-size-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it("every built .js file together is at most 120 KiB gzip, and React's DOM renderer is not among them", () => {
  execFileSync(
    path.join(adminDir, "node_modules", ".bin", "vite"),
    ["build", "--logLevel", "warn", "--outDir", outDir, "--emptyOutDir"],
    { cwd: adminDir, stdio: "ignore", env: { ...process.env, NODE_ENV: "production" } },
  );
  const files = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter((file) =>
    file.endsWith(".js"),
  );
  const contents = files.map((file) => readFileSync(path.join(outDir, file)));
  const gzipBytes = contents.reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0);
  expect(gzipBytes / 1024).toBeLessThanOrEqual(120);
  // react-dom's production build carries this message; Preact's compat layer does not
  expect(contents.some((bytes) => bytes.includes("Minified React error"))).toBe(false);
}, 120_000);
