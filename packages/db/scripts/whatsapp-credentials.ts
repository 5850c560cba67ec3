import { resolveDatabaseUrl } from "../src/database-url.js";
import {
  MoveCredentialsError,
  moveCredentials,
  parseMoveArguments,
  refuseUnlessPostgres,
} from "../src/whatsapp-credentials/move-credentials.js";
import { describeMigration, runScript } from "./run-script.js";

// Arguments and the database kind first: a mistake is refused before anything touches a database.
let options: ReturnType<typeof parseMoveArguments> | null = null;
try {
  options = parseMoveArguments(process.argv.slice(2));
  refuseUnlessPostgres(resolveDatabaseUrl(process.env));
} catch (error) {
  console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof MoveCredentialsError ? 2 : 1;
  options = null;
}
const parsed = options;
if (parsed) {
  await runScript(async ({ database, databaseUrl, sessionsDir, migration }) => ({
    lines: [
      ...describeMigration(migration),
      ...(await moveCredentials({ database, databaseUrl, sessionsDir }, parsed)),
    ],
  }));
}
