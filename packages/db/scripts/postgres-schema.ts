// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma (see src/postgres-schema.ts).
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/paths.js";
import { derivePostgresSchema } from "../src/postgres-schema.js";

const target = path.join(repoRoot, "prisma", "postgresql", "schema.prisma");
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(
  target,
  derivePostgresSchema(fs.readFileSync(path.join(repoRoot, "prisma", "schema.prisma"), "utf8")),
);
console.log(`wrote ${path.relative(repoRoot, target)}`);
