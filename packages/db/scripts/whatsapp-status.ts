import { describeStatus } from "../src/whatsapp-session/session-status.js";
import { describeMigration, runScript } from "./run-script.js";

await runScript(async ({ database, migration }) => {
  const report = await describeStatus(database);
  return { lines: [...describeMigration(migration), ...report.lines] };
});
