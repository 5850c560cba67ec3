/**
 * tRPC batching lets one request run many procedures. Anonymous procedures (health, login, setup)
 * are never batched, so an unauthenticated client gets one call per request; and a batch holds at
 * most MAX_BATCH_SIZE calls for everyone.
 */
import type { AnyRouter } from "@trpc/server";
import { HttpError } from "../http/json.js";

export const MAX_BATCH_SIZE = 20;

function accessOf(procedure: unknown): unknown {
  if (typeof procedure !== "function" || !("_def" in procedure)) return undefined;
  const def: unknown = procedure._def;
  if (typeof def !== "object" || def === null || !("meta" in def)) return undefined;
  const meta: unknown = def.meta;
  return typeof meta === "object" && meta !== null && "access" in meta ? meta.access : undefined;
}

/** The paths of the router's anonymous procedures, read from their meta. */
export function anonymousProcedures(router: AnyRouter): Set<string> {
  return new Set(
    Object.entries(router._def.procedures)
      .filter(([, procedure]) => accessOf(procedure) === "anonymous")
      .map(([path]) => path),
  );
}

/** Throws a 400 for a batch that names an anonymous procedure or holds too many calls. */
export function guardBatch(url: URL, anonymous: Set<string>): void {
  if (url.searchParams.get("batch") !== "1") return;
  const paths = safeDecode(url.pathname.replace(/^\/trpc\/?/, "")).split(",");
  if (paths.length > MAX_BATCH_SIZE) {
    throw new HttpError(400, {
      code: "BATCH_TOO_LARGE",
      message: `A batch holds at most ${MAX_BATCH_SIZE} calls (this one has ${paths.length}).`,
    });
  }
  const named = paths.filter((path) => anonymous.has(path));
  if (named.length > 0) {
    throw new HttpError(400, {
      code: "BATCH_NOT_ALLOWED",
      message: `${named[0]} cannot be batched: call it on its own (without ?batch=1).`,
    });
  }
}

/** Whether the request (one call or a batch) calls messages.sendMedia, whose body may be large. */
export function callsSendMedia(url: URL): boolean {
  return safeDecode(url.pathname.replace(/^\/trpc\/?/, ""))
    .split(",")
    .includes("messages.sendMedia");
}

/** A broken escape is left as it is: tRPC answers the unknown path itself. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
