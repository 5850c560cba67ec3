// `pnpm build` of a server package (@kabar/db, @kabar/core, @kabar/api): each src/**/*.ts becomes
// dist/**/*.js beside the same folder depth, transpiled file by file (no bundling). File by file
// because the sources find things relative to themselves (the repo root from import.meta.dirname,
// Baileys through createRequire in core's own node_modules, Prisma's generated client in db): the same
// depth under dist/ keeps every one of those paths true. Type-checking stays with `tsc --noEmit`.
// Node picks dist/ over src/ through the "kabar-built" export condition (`node --conditions=kabar-built`).
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const packageDir = process.cwd();
const outdir = path.join(packageDir, "dist");
// Folders of src/ left out (api's src/testing loads the simulator, a dev tool production never loads).
const excluded = new Set(process.argv.slice(2));

const entryPoints = readdirSync(path.join(packageDir, "src"), { recursive: true })
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts"))
  .filter((file) => !excluded.has(file.split(path.sep)[0]))
  .map((file) => path.join("src", file));

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir,
  outbase: "src",
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});
