/** A few lines of fetch for the REST edge, and linking the one session through it. */
import { spawn } from "node:child_process";
import type { WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import type { ServerProcess } from "./server-process.js";

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

export async function callApi(
  baseUrl: string,
  method: string,
  route: string,
  options: {
    token?: string | null;
    body?: unknown;
    rawBody?: string | Uint8Array;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.rawBody;
  if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed, text };
}

/** Create the session over REST, connect, the simulated phone scans the QR the server emitted, connected. */
export async function linkOverRest(
  server: ServerProcess,
  simulator: WhatsAppSimulator,
  sessionId = "sistem_uji",
) {
  const created = await callApi(server.url, "POST", "/api/admin/whatsapp-sessions", {
    token: server.token,
    body: { name: "Sistem Uji", sessionId },
  });
  if (created.status !== 201)
    throw new Error(`creating the session answered ${created.status}: ${created.text}`);
  const waitingQr = server.waitForLine((line) => line.state === "waiting_qr" && Boolean(line.qr));
  const connect = await callApi(server.url, "POST", "/api/admin/whatsapp-sessions/connect", {
    token: server.token,
  });
  if (connect.status !== 200) throw new Error(`connect answered ${connect.status}: ${connect.text}`);
  const { qr } = await waitingQr;
  const connected = server.waitForLine((line) => line.state === "connected");
  await simulator.phone.scan(qr ?? "");
  await connected;
}

/**
 * A request through curl, for several-MB bodies: the server answers 413 from the Content-Length and
 * closes the socket, which Node's clients report only as EPIPE/ECONNRESET while curl (like real
 * clients) reads the 413.
 */
export async function requestWithCurl(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string,
): Promise<ApiAnswer> {
  // No "Expect: 100-continue": the answer must be the server's verdict on the whole request.
  const args = ["-s", "-X", method, "-H", "Expect:", "--data-binary", "@-", "-w", "\n%{http_code}", url];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  const { stdout } = await run("curl", args, body);
  const cut = stdout.lastIndexOf("\n");
  const text = stdout.slice(0, cut);
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: Number(stdout.slice(cut + 1)), body: parsed, text };
}

function run(command: string, args: string[], input: string): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "ignore"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stdin.on("error", () => undefined);
    child.on("error", reject);
    child.on("close", () => resolve({ stdout }));
    child.stdin.end(input);
  });
}
