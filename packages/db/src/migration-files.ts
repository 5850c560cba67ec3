import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface MigrationFile {
  /** Folder name, e.g. 20261125100000_onesender_baseline; Prisma's migration_name. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, as Prisma computes it, so `prisma migrate status` agrees. */
  checksum: string;
}

/** The first migration: the table as the older OneSender product left it. */
export const ONESENDER_BASELINE = "20261125100000_onesender_baseline";

/** Reads <dir>/<name>/migration.sql in name order (the timestamp prefix orders them). */
export function readMigrationFiles(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(dir, name, "migration.sql"));
      return {
        name,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    });
}
