/**
 * Loads wa-multi-session and the very Baileys copy it uses, as their CommonJS export objects: the
 * library bridge patches those objects, which an ESM namespace import would not allow.
 */
import { createRequire } from "node:module";

type WaMultiSession = typeof import("wa-multi-session");
type BaileysExports = typeof import("@whiskeysockets/baileys");

const requireHere = createRequire(import.meta.url);

export const requireFromLibrary = createRequire(requireHere.resolve("wa-multi-session"));
export const library = requireHere("wa-multi-session") as WaMultiSession;
export const baileys = library.baileys as BaileysExports;
