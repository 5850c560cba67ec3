import { describeMigration, runScript } from "./run-script.js";

await runScript(async ({ databaseUrl, migration }) => {
  const lines = describeMigration(migration);
  if (lines.length === 0) lines.push("The database is up to date; no migration to apply.");
  return { lines: [`Database: ${databaseUrl}`, ...lines] };
});
