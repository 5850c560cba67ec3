import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAuthority } from "./certificate-authority.js";
import type { SimulatorEvents } from "./context.js";
import type { Faults } from "./faults.js";

type MediaRequestListener = (request: SimulatorEvents["media-request"][0]) => void;

/** The media host name the simulator hands out, as real WhatsApp does in `media_conn`. */
export const MEDIA_HOSTNAME = "mmg.whatsapp.net";
/** How long a `media_conn` answer stays valid, in seconds (Baileys refreshes after `ttl`). */
const MEDIA_CONN_TTL_S = 300;

export interface MediaHostInfo {
  /** https://127.0.0.1:<port>: where WhatsApp's media host names must be routed to reach it. */
  url: string;
  /** PEM of the certificate authority that signed its certificate, written at start. */
  caPath: string;
}

export interface StoredBlob {
  bytes: Buffer;
  /** The `/mms/<type>` the library uploaded it under, or "simulator" for blobs the server made itself. */
  type: string;
}

/** Base64url without padding, as Baileys' `encodeBase64EncodedStringForUpload` writes the hash. */
export function uploadToken(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("base64url");
}

function newDirectPath(): string {
  const id = () => randomBytes(6).readUIntBE(0, 6).toString();
  const oh = randomBytes(16).toString("hex");
  const oe = Math.floor(Date.now() / 1000 + 14 * 24 * 3600)
    .toString(16)
    .toUpperCase();
  return `/v/t62.7119-24/${id()}_${id()}_${id()}_n.enc?ccb=11-4&oh=01_${oh}&oe=${oe}&_nc_sid=5e03e0`;
}

/**
 * WhatsApp's media host over HTTPS: uploads (`POST /mms/<type>/<encSha256>?auth=…&token=…`, as
 * Baileys' `getWAUploadToServer` sends them), downloads by direct path, and the blobs the server itself
 * serves (app-state snapshots and patches, history sync). Every request passes the media fault first.
 */
export class MediaHost {
  readonly info: MediaHostInfo;
  private readonly blobs = new Map<string, StoredBlob>();
  private readonly authTokens = new Set<string>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    caPath: string,
    host: string,
    private readonly ownedDir: string | undefined,
    private readonly faults: Faults,
    private readonly onRequest: MediaRequestListener,
  ) {
    const { port } = server.address() as AddressInfo;
    this.info = { url: `https://${host}:${port}`, caPath };
  }

  static async start(options: {
    host: string;
    port: number;
    dataDir?: string;
    faults: Faults;
    onRequest: MediaRequestListener;
  }): Promise<MediaHost> {
    const authority = createAuthority();
    // the CA lives beside the state, or in a temp dir removed at close
    const ownedDir = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), "wa-sim-media-"));
    const dir = options.dataDir ?? ownedDir ?? tmpdir();
    mkdirSync(dir, { recursive: true });
    const caPath = join(dir, "media-ca.pem");
    writeFileSync(caPath, authority.caPem);
    let host: MediaHost | undefined;
    const server = createServer({ key: authority.keyPem, cert: authority.certPem }, (request, response) => {
      if (!host) return void response.writeHead(503).end();
      host.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500).end(JSON.stringify({ error: String(error) }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => resolve());
    });
    host = new MediaHost(server, caPath, options.host, ownedDir, options.faults, options.onRequest);
    return host;
  }

  /** A fresh `media_conn` answer: an auth token the upload must carry, and the host to use. */
  mediaConn(): { auth: string; ttl: number; hostname: string } {
    const auth = randomBytes(24).toString("base64");
    this.authTokens.add(auth);
    return { auth, ttl: MEDIA_CONN_TTL_S, hostname: MEDIA_HOSTNAME };
  }

  /** Stores a blob the server made (already encrypted) and returns where the library downloads it. */
  put(bytes: Buffer, type = "simulator"): { directPath: string; url: string } {
    const directPath = newDirectPath();
    this.blobs.set(new URL(directPath, "https://x").pathname, { bytes, type });
    return { directPath, url: `https://${MEDIA_HOSTNAME}${directPath}&mms3=true` };
  }

  blob(directPath: string): StoredBlob | undefined {
    return this.blobs.get(new URL(directPath, "https://x").pathname);
  }

  /** Resets the connections a "hang" held: the client finally sees its socket fail and may retry. */
  releaseHanging(): void {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
  }

  async close(): Promise<void> {
    this.releaseHanging();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.ownedDir) rmSync(this.ownedDir, { recursive: true, force: true });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const gate = await this.faults.gateMedia();
    const url = new URL(request.url ?? "/", `https://${MEDIA_HOSTNAME}`);
    const method = request.method ?? "GET";
    const report = (outcome: SimulatorEvents["media-request"][0]["outcome"]) =>
      this.onRequest({ method, path: url.pathname, outcome });
    if (gate === "hang") {
      report("hang");
      // a host that accepted the connection and never answers: only the client's own timeout ends it
      this.hanging.add(response);
      response.on("close", () => this.hanging.delete(response));
      return;
    }
    if (gate === "fail") {
      report("fail");
      return reply(response, 500, { error: "media fault: fail" });
    }
    if (method === "POST" && /^\/(mms|product)\//.test(url.pathname)) {
      report(this.upload(url, body, response) ? "uploaded" : "refused");
      return;
    }
    if (method === "GET" || method === "HEAD") {
      const stored = this.blobs.get(url.pathname);
      report(stored ? "served" : "refused");
      if (!stored) return reply(response, 404, { error: "no blob at this path" });
      response.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": stored.bytes.length.toString(),
      });
      return void response.end(request.method === "HEAD" ? undefined : stored.bytes);
    }
    report("refused");
    reply(response, 404, { error: `${method} ${url.pathname}: no such route` });
  }

  /** Answers the upload; true when it was stored. */
  private upload(url: URL, body: Buffer, response: ServerResponse): boolean {
    const auth = url.searchParams.get("auth");
    const token = url.searchParams.get("token");
    const pathToken = url.pathname.split("/").pop();
    // Stricter than known: an unknown auth or a body that does not hash to the token is refused, so
    // a client bug shows here rather than as an undecryptable message.
    if (!auth || !this.authTokens.has(auth)) {
      reply(response, 401, { error: "auth: unknown token" });
      return false;
    }
    if (!token || token !== pathToken || token !== uploadToken(body)) {
      reply(response, 400, { error: "token: is not the SHA-256 of the uploaded body" });
      return false;
    }
    const type = url.pathname.split("/").slice(0, -1).join("/");
    const { directPath, url: mediaUrl } = this.put(body, type);
    reply(response, 200, { url: mediaUrl, direct_path: directPath });
    return true;
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
