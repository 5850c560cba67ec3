/**
 * Usage: KABAR_API_TOKEN=kabar_… pnpm --filter @kabar/registration-confirmer start "Siti Rahma" 081234567890 A1024
 * KABAR_URL defaults to http://localhost:3000.
 */
import { createKabarClient } from "@kabar/client";
import { createConfirmer } from "./send-confirmation.js";

const [name, phone, bib, eventName] = process.argv.slice(2);
const token = process.env.KABAR_API_TOKEN;
if (!name || !phone || !bib || !token) {
  process.stderr.write(
    "usage: KABAR_API_TOKEN=<token> registration-confirmer <name> <phone> <bib> [event name]\n",
  );
  process.exit(2);
}
const client = createKabarClient({ url: process.env.KABAR_URL ?? "http://localhost:3000", token });
const result = await createConfirmer(client).sendConfirmation({
  name,
  phone,
  bib,
  ...(eventName ? { eventName } : {}),
});
process.stdout.write(`${JSON.stringify({ id: result.id, status: result.status, to: result.to })}\n`);
