// Runs every package's tests through turbo and ends with one plain line that counts them all,
// so a reader (or CI) sees the total without scrolling through each package's summary.
import { spawn } from "node:child_process";

const args = ["exec", "turbo", "run", "test", "--concurrency=1", "--continue", "--output-logs=full", ...process.argv.slice(2)];
const child = spawn("pnpm", args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });

let passed = 0;
let failed = 0;
let skipped = 0;
let buffered = "";
const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, "");

function count(line) {
  // vitest's summary: "Tests  2 failed | 40 passed | 1 skipped (43)"
  const match = /^\s*(?:\S+:\s+)?Tests\s+(.*)\(\d+\)\s*$/.exec(stripAnsi(line));
  if (!match?.[1]) return;
  for (const part of match[1].split("|")) {
    const [number, word] = part.trim().split(/\s+/);
    const value = Number(number);
    if (word === "passed") passed += value;
    else if (word === "failed") failed += value;
    else if (word === "skipped" || word === "todo") skipped += value;
  }
}

function forward(stream, target) {
  stream.on("data", (chunk) => {
    target.write(chunk);
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) count(line);
  });
}
forward(child.stdout, process.stdout);
forward(child.stderr, process.stderr);

child.on("close", (code) => {
  count(buffered);
  const status = code === 0 && failed === 0 ? 0 : code || 1;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(status);
});
