/**
 * The other process of the "database locked" fault: opens the file with the driver Kabar uses
 * (libsql through Prisma), takes BEGIN IMMEDIATE, writes "lock-held", holds the write lock for
 * argv[3] seconds on its own clock, commits and exits.
 * Usage: database-lock-holder.ts <databaseUrl> <seconds>
 */
import { createDatabase } from "@kabar/db";

const [databaseUrl, secondsText] = process.argv.slice(2);
if (!databaseUrl || !secondsText) throw new Error("usage: database-lock-holder.ts <databaseUrl> <seconds>");
const db = createDatabase(databaseUrl);
await db.$executeRawUnsafe("BEGIN IMMEDIATE");
// A write inside the transaction makes sure the write lock is taken, not only requested.
await db.$executeRawUnsafe("UPDATE Setting SET key = key WHERE 0");
process.stdout.write("lock-held\n");
// Holding for N seconds is the fault itself.
await new Promise((resolve) => setTimeout(resolve, Number(secondsText) * 1_000));
await db.$executeRawUnsafe("COMMIT");
await db.$disconnect();
