import { cleanupSessions } from "../src/whatsapp-session/cleanup-sessions.js";
import { describeMigration, runScript } from "./run-script.js";

await runScript(async ({ database, sessionsDir, migration }) => {
  const result = await cleanupSessions(database, sessionsDir);
  return { lines: [...describeMigration(migration), ...result.lines], isFailure: result.hasFolderProblems };
});
