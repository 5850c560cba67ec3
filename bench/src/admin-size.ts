/** (7) The panel's JavaScript as the browser downloads it: every built .js file, raw and gzip -9. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export interface AdminSize {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

export function adminJsSize(distDir: string): AdminSize {
  const files = readdirSync(distDir, { recursive: true, encoding: "utf8" }).filter((file) =>
    file.endsWith(".js"),
  );
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(distDir, file));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.length, rawBytes, gzipBytes };
}
