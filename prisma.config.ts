import path from "node:path";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { defineConfig } from "prisma/config";
import { guardPrismaCommand } from "./packages/db/prisma-cli-guard.ts";

// `npx prisma migrate dev` (the seed's command) applies the migrations instead of failing or offering a reset.
guardPrismaCommand(process.argv);

// The CLI reads DATABASE_URL from the environment; the default matches the product's embedded file.
const url = process.env.DATABASE_URL ?? `file:${path.join(import.meta.dirname, "data", "kabar.db")}`;
process.env.DATABASE_URL = url;

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    return new PrismaLibSQL({ url });
  },
});
