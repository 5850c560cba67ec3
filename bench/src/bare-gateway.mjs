/**
 * A bare wa-multi-session gateway, the reference of figure 8: what a developer writes in ten lines
 * with the library alone. POST /api/messages {"to", "message"} awaits `sendTextMessage` and answers
 * 200 with the WhatsApp id; no database, no queue, no retries. One JSON line per fact on stdout
 * (`qr`, `connected`, `ready` with the url), like server-child.ts.
 *
 * Only two things are bent, both so it can reach the simulator instead of WhatsApp (core's adapter
 * does the same, library-bridge.ts): Baileys' default WebSocket URL, and its version lookup, which
 * would otherwise ask GitHub.
 * Usage: node bare-gateway.mjs <simulator ws url> <credentials folder> (arguments, not variables:
 * this is the bench's child, not something to configure).
 */
import { createServer } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const requireFromLibrary = createRequire(require.resolve("wa-multi-session"));
const baileys = requireFromLibrary("@whiskeysockets/baileys");
const generics = requireFromLibrary("@whiskeysockets/baileys/lib/Utils/generics");
const bundled = baileys.DEFAULT_CONNECTION_CONFIG.version;
generics.fetchLatestBaileysVersion = async () => ({ version: bundled, isLatest: false });
const [wsUrl, credentialsDir] = process.argv.slice(2);
baileys.DEFAULT_CONNECTION_CONFIG.waWebSocketUrl = wsUrl;
const wa = require("wa-multi-session");

const SESSION = "bare";
const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

wa.setCredentialsDir(credentialsDir);
await wa.startSession(SESSION, {
  printQR: false,
  onQRUpdated: (qr) => emit({ type: "qr", qr }),
  onConnected: () => emit({ type: "connected" }),
});

const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", async () => {
    try {
      const { to, message } = JSON.parse(body);
      const sent = await wa.sendTextMessage({ sessionId: SESSION, to, text: message });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ id: sent?.key.id ?? null }));
    } catch (error) {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: String(error) }));
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  emit({ type: "ready", url: `http://127.0.0.1:${address.port}` });
});
process.once("SIGTERM", () => process.exit(0));
