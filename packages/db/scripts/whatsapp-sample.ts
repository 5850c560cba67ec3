import { addSampleSession } from "../src/whatsapp-session/add-sample-session.js";
import { describeMigration, runScript } from "./run-script.js";

await runScript(async ({ database, migration }) => {
  const result = await addSampleSession(database);
  return { lines: [...describeMigration(migration), ...result.lines] };
});
