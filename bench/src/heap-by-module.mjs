/**
 * Summarises a V8 heap snapshot by where the memory comes from: each loaded script's source text and
 * compiled functions (SharedFunctionInfo + bytecode), grouped by package, and the rest by V8's node type.
 * `node bench/src/heap-by-module.mjs <file.heapsnapshot>` prints one table (MB, self sizes).
 */
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: node bench/src/heap-by-module.mjs <file.heapsnapshot>\n");
  process.exit(2);
}
const snapshot = JSON.parse(readFileSync(file, "utf8"));
const {
  node_fields: nodeFields,
  edge_fields: edgeFields,
  node_types: nodeTypes,
  edge_types: edgeTypes,
} = snapshot.snapshot.meta;
const NODE = nodeFields.length;
const EDGE = edgeFields.length;
const [TYPE, NAME, , SELF, EDGES] = [0, 1, 2, 3, 4];
const typeNames = nodeTypes[0];
const edgeTypeNames = edgeTypes[0];
const { nodes, edges, strings } = snapshot;
const nodeCount = nodes.length / NODE;

const firstEdge = new Uint32Array(nodeCount + 1);
for (let index = 0, edge = 0; index < nodeCount; index++) {
  firstEdge[index] = edge;
  edge += nodes[index * NODE + EDGES] * EDGE;
}
firstEdge[nodeCount] = edges.length;

const self = (index) => nodes[index * NODE + SELF];
const nameOf = (index) => strings[nodes[index * NODE + NAME]];
function* edgesOf(index) {
  for (let edge = firstEdge[index]; edge < firstEdge[index + 1]; edge += EDGE) {
    const type = edgeTypeNames[edges[edge]];
    const name = type === "element" || type === "hidden" ? String(edges[edge + 1]) : strings[edges[edge + 1]];
    yield { type, name, to: edges[edge + 2] / NODE };
  }
}

/** node_modules/.pnpm/x/node_modules/@scope/name/… → @scope/name; packages/core/… → @kabar/core. */
function packageOf(url) {
  const inModules = /node_modules\/(?!\.pnpm)((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (workspace) return `@kabar/${workspace[2]}`;
  if (url.startsWith("node:") || !url.includes("/")) return "node (built-in modules)";
  return url;
}

const scriptPackage = new Map();
const byPackage = new Map();
const counted = new Uint8Array(nodeCount);
const add = (group, bytes) => byPackage.set(group, (byPackage.get(group) ?? 0) + bytes);
const isCode = (index) => typeNames[nodes[index * NODE + TYPE]] === "code";
/** A compiled function's own code objects (bytecode, constant pool, scope info, …), two levels down. */
const count = (group, index, depth = 0) => {
  if (counted[index] || scriptPackage.has(index)) return;
  counted[index] = 1;
  add(group, self(index));
  if (depth >= 2) return;
  for (const edge of edgesOf(index))
    if (edge.type === "internal" && isCode(edge.to)) count(group, edge.to, depth + 1);
};

// A Script is a code node with internal edges "source" (its text) and "name" (its URL).
for (let index = 0; index < nodeCount; index++) {
  if (!isCode(index)) continue;
  let url = null;
  let source = -1;
  for (const edge of edgesOf(index)) {
    if (edge.type !== "internal") continue;
    if (edge.name === "name") url = nameOf(edge.to);
    if (edge.name === "source") source = edge.to;
  }
  if (url === null || source < 0) continue;
  const group = packageOf(url);
  scriptPackage.set(index, group);
  counted[index] = 1;
  add(group, self(index));
  if (!counted[source]) {
    counted[source] = 1;
    add(group, self(source));
  }
}
// A SharedFunctionInfo points at its Script through "script_or_debug_info".
for (let index = 0; index < nodeCount; index++) {
  if (!isCode(index)) continue;
  for (const edge of edgesOf(index)) {
    if (edge.name !== "script_or_debug_info") continue;
    const group = scriptPackage.get(edge.to);
    if (group) count(group, index);
  }
}
const byType = new Map();
for (let index = 0; index < nodeCount; index++) {
  if (counted[index]) continue;
  const type = typeNames[nodes[index * NODE + TYPE]];
  byType.set(type, (byType.get(type) ?? 0) + self(index));
}

const mb = (bytes) => (bytes / 1_048_576).toFixed(1).padStart(6);
let total = 0;
for (let index = 0; index < nodeCount; index++) total += self(index);
console.log(`heap snapshot ${file}: ${mb(total).trim()} MB in ${nodeCount} objects`);
console.log("\nscripts (source text + compiled functions), by package:");
for (const [group, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${mb(bytes)} MB  ${group}`);
const rest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(15);
console.log(`${mb(rest.reduce((sum, [, bytes]) => sum + bytes, 0))} MB  ${rest.length} other packages`);
console.log("\neverything else, by V8 node type:");
for (const [type, bytes] of [...byType].sort((a, b) => b[1] - a[1]).slice(0, 8))
  console.log(`${mb(bytes)} MB  ${type}`);
