import { createRequire } from "node:module";

/*
 * Baileys is CommonJS and re-exports its protobufs through a pattern Node's ESM named-export detection
 * misses (`proto` is undefined under `import { proto }`). Requiring it gives the very same module instance
 * wa-multi-session uses, which also matters for `DEFAULT_CONNECTION_CONFIG`.
 */
const require = createRequire(import.meta.url);

export const baileys: typeof import("@whiskeysockets/baileys") = require("@whiskeysockets/baileys");

// makeLibSignalRepository is not re-exported from the package root; the deep path is stable in 6.x.
export const { makeLibSignalRepository }: typeof import("@whiskeysockets/baileys/lib/Signal/libsignal.js") =
  require("@whiskeysockets/baileys/lib/Signal/libsignal.js");

export const { proto, Curve, encodeBinaryNode, decodeBinaryNode, BufferJSON } = baileys;

export type {
  AuthenticationCreds,
  BinaryNode,
  KeyPair,
  proto as WAProto,
  SignalDataTypeMap,
  SignalKeyStore,
} from "@whiskeysockets/baileys";

export const S_WHATSAPP_NET = "s.whatsapp.net";

/** Children of a node that are nodes (content may also be bytes or a string). */
export function childrenOf(node: import("@whiskeysockets/baileys").BinaryNode | undefined) {
  return Array.isArray(node?.content) ? node.content : [];
}

export function childOf(node: import("@whiskeysockets/baileys").BinaryNode | undefined, tag: string) {
  return childrenOf(node).find((child) => child.tag === tag);
}

export function bytesOf(node: import("@whiskeysockets/baileys").BinaryNode | undefined): Buffer | undefined {
  const content = node?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === "string") return Buffer.from(content, "utf8");
  return undefined;
}
