import type { Described } from "./detail-codes.js";

/** A timeline line that carries a code: its status, the English words and the code with parameters. */
export function eventFor<S extends string>(status: S, what: Described) {
  return { status, detail: what.detail, code: what.code, params: what.params };
}

/** The message's last error as its three columns; null clears all three. */
export function lastErrorFor(what: Described | null) {
  return {
    lastError: what?.detail ?? null,
    lastErrorCode: what?.code ?? null,
    lastErrorParams: what === null ? null : JSON.stringify(what.params),
  };
}
