import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/** After a production build, prints the total JavaScript the panel ships, raw and gzip-compressed. */
export function jsSizeReport(): Plugin {
  return {
    name: "kabar-js-size-report",
    apply: "build",
    generateBundle(_options, bundle) {
      let raw = 0;
      let gzip = 0;
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        const bytes = Buffer.from(output.code);
        raw += bytes.length;
        gzip += gzipSync(bytes, { level: 9 }).length;
      }
      const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
      this.info(`total JavaScript: ${kib(raw)} raw, ${kib(gzip)} gzip`);
      // this.info can be hidden by --logLevel; print it plainly too so CI logs always show it.
      console.log(`\nkabar admin: total JavaScript ${kib(raw)}, gzip ${kib(gzip)}\n`);
    },
  };
}
