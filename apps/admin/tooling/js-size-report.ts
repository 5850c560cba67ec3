import { gzipSync } from "node:zlib";
import type { Plugin, Rolldown } from "vite";

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The chunks a first visit loads: the entry and everything it imports statically. */
function initialChunks(bundle: OutputBundle): Set<string> {
  const chunks = new Map(
    Object.values(bundle)
      .filter((output): output is OutputChunk => output.type === "chunk")
      .map((chunk) => [chunk.fileName, chunk]),
  );
  const initial = new Set<string>();
  const visit = (fileName: string) => {
    const chunk = chunks.get(fileName);
    if (chunk === undefined || initial.has(fileName)) return;
    initial.add(fileName);
    for (const imported of chunk.imports) visit(imported);
  };
  for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
  return initial;
}

/** After a production build, prints the JavaScript the panel ships, raw and gzip-compressed. */
export function jsSizeReport(): Plugin {
  return {
    name: "kabar-js-size-report",
    apply: "build",
    generateBundle(_options, bundle) {
      const initial = initialChunks(bundle);
      const total = { raw: 0, gzip: 0 };
      const firstVisit = { raw: 0, gzip: 0 };
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        const bytes = Buffer.from(output.code);
        const gzip = gzipSync(bytes, { level: 9 }).length;
        total.raw += bytes.length;
        total.gzip += gzip;
        if (initial.has(output.fileName)) {
          firstVisit.raw += bytes.length;
          firstVisit.gzip += gzip;
        }
      }
      // Printed plainly (not this.info) so every log level and CI log shows it.
      console.log(
        `\nkabar admin JavaScript: ${kib(total.gzip)} gzip in total (${kib(total.raw)} raw); ` +
          `first visit ${kib(firstVisit.gzip)} gzip, the rest loads on demand\n`,
      );
    },
  };
}
