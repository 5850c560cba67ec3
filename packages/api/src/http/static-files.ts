/** Serves the admin panel's build with an SPA fallback; a hint page when it has not been built. */
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kabar</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Kabar is running</h1>
<p>The admin panel has not been built yet. Run <code>pnpm --filter @kabar/admin build</code>
(or <code>pnpm setup</code>) and reload this page. The API answers at <code>/trpc</code>,
<code>/api</code> and <code>/health</code> already.</p>
</body></html>`;

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}

function sendFile(res: ServerResponse, filePath: string, isHead: boolean) {
  const isHashedAsset = filePath.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    "content-type": TYPES[path.extname(filePath)] ?? "application/octet-stream",
    "cache-control": isHashedAsset ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (isHead) res.end();
  else createReadStream(filePath).pipe(res);
}

/** A malformed escape (%E0%A4) is just a path that matches no file: the SPA fallback answers it. */
function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

export function createStaticHandler(distDir: string) {
  const root = path.resolve(distDir);
  const indexFile = path.join(root, "index.html");

  return async function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const isHead = req.method === "HEAD";
    if (req.method !== "GET" && !isHead) {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      res.end("Method not allowed");
      return;
    }
    if (!existsSync(indexFile)) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
      res.end(isHead ? undefined : NOT_BUILT);
      return;
    }
    // Resolve inside root only: "/../../etc/passwd" must not escape the build folder.
    const requested = path.resolve(root, `.${path.posix.normalize(safeDecode(url.pathname))}`);
    const isInside = requested === root || requested.startsWith(`${root}${path.sep}`);
    if (isInside && (await isFile(requested))) {
      sendFile(res, requested, isHead);
      return;
    }
    sendFile(res, indexFile, isHead);
  };
}
