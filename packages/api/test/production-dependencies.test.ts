/**
 * A production install of the server (`pnpm install --prod`) must not bring the WhatsApp simulator:
 * it is a dev tool, used by tests, `pnpm start:simulated` and the benchmarks. Checked on the
 * workspace's manifests (what pnpm installs) and on the server's own sources (what it loads).
 */
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const packagesDir = path.resolve(import.meta.dirname, "..", "..");
const SIMULATOR = "@kabar/whatsapp-simulator";

function manifest(name: string): { dependencies?: Record<string, string> } {
  const folder = name.replace("@kabar/", "");
  return JSON.parse(fs.readFileSync(path.join(packagesDir, folder, "package.json"), "utf8"));
}

it("the server's production dependencies, through every workspace package, exclude the simulator", () => {
  const seen = new Set<string>();
  const visit = (name: string) => {
    for (const dependency of Object.keys(manifest(name).dependencies ?? {})) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      if (dependency.startsWith("@kabar/")) visit(dependency);
    }
  };
  visit("@kabar/api");
  expect(seen.has("@kabar/core")).toBe(true);
  expect(seen.has(SIMULATOR)).toBe(false);
});

it("no server source imports the simulator (only dev/ and the test support in src/testing do)", () => {
  const srcDir = path.join(packagesDir, "api", "src");
  const importers = (fs.readdirSync(srcDir, { recursive: true }) as string[])
    .filter((file) => file.endsWith(".ts") && !file.startsWith(`testing${path.sep}`))
    .filter((file) => fs.readFileSync(path.join(srcDir, file), "utf8").includes(`"${SIMULATOR}"`));
  expect(importers).toEqual([]);
});
