/**
 * What an internal app gets: `pnpm pack` of @kabar/client installed alone into an empty project
 * outside the monorepo (from pnpm's store, offline), and the root README's client example
 * type-checked there with strict settings. Nothing of the server may come along.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, "..");
const repoRoot = path.resolve(packageDir, "..", "..");
const tsc = path.join(packageDir, "node_modules", ".bin", "tsc");

let project: string;

/** The root README's block marked `<!-- client-example -->`. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const match = /<!-- client-example -->\n```ts\n([\s\S]*?)\n```/.exec(readme);
  if (!match?.[1]) throw new Error("README.md has no ```ts block after <!-- client-example -->");
  return match[1];
}

beforeAll(async () => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "kabar-client-consumer-"));
  // `pnpm pack` runs the package's prepack (the build) and applies publishConfig (dist/ entry points).
  const { stdout } = await run("pnpm", ["pack", "--pack-destination", project], { cwd: packageDir });
  const tarball = stdout.trim().split("\n").at(-1) ?? "";
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({
      name: "an-internal-app",
      private: true,
      type: "module",
      dependencies: { "@kabar/client": `file:${tarball}` },
      // what an app that reads process.env has anyway
      devDependencies: { "@types/node": "^20.19.0" },
    }),
  );
  fs.writeFileSync(
    path.join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: false,
        noEmit: true,
        types: ["node"],
      },
      include: ["example.ts"],
    }),
  );
  fs.writeFileSync(path.join(project, "example.ts"), readmeExample());
  await run("pnpm", ["install", "--offline", "--ignore-workspace"], {
    cwd: project,
    env: { ...process.env, npm_config_workspace_dir: "" },
  });
}, 180_000);

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

it("the README's client example type-checks against the installed tarball alone", async () => {
  const installed = JSON.parse(
    fs.readFileSync(path.join(project, "node_modules", "@kabar", "client", "package.json"), "utf8"),
  ) as { exports: Record<string, Record<string, string>> };
  expect(installed.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
  const result = await run(tsc, ["-p", project]).then(
    () => "",
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  // skipLibCheck is off so our own .d.ts files are checked too; that also checks tRPC's, whose ws
  // adapter names the `ws` package (any app on @trpc/client without @types/ws sees this one line).
  const ours = result
    .split("\n")
    .filter((line) => line.trim() !== "")
    .filter((line) => !/@trpc\/server\/dist\/adapters\/ws\.d\.mts.*Cannot find module 'ws'/.test(line));
  expect(ours).toEqual([]);
}, 60_000);

it("a wrong call in the example fails to type-check there: the router's types did arrive", async () => {
  fs.writeFileSync(
    path.join(project, "wrong.ts"),
    `${readmeExample()}\nawait kabar.messages.send.mutate({ to: 6281234567890, message: "x" });\n`,
  );
  const flags = ["--noEmit", "--strict", "--module", "NodeNext", "--target", "ES2022", "--types", "node"];
  const result = await run(tsc, [...flags, path.join(project, "wrong.ts")]).then(
    () => "",
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(result).toMatch(
    /wrong\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
  );
}, 60_000);

it("the project's node_modules holds no server: no Prisma, argon2, simulator or @kabar/api", () => {
  const everything = fs.readdirSync(path.join(project, "node_modules", ".pnpm"));
  expect(
    everything.filter((name) => /prisma|argon2|whatsapp-simulator|@kabar\+api|baileys|libsql/.test(name)),
  ).toEqual([]);
  expect(everything.some((name) => name.startsWith("@trpc+client@11.19.0"))).toBe(true);
});
