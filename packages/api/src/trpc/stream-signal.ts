/**
 * An SSE stream outlives the request that authenticated it, so it must end with its credential:
 * at once when this process revokes the token or logs the session out (an event), and within
 * RECHECK_MS when it ends another way (expiry, a change in the database by another process).
 */
import type { Context } from "./context.js";

const RECHECK_MS = 30_000;

/** Aborts when the client leaves (signal) or the stream's credential stops being valid. */
export function untilCredentialEnds(ctx: Context, signal: AbortSignal | undefined): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const stopListening = ctx.credentialKey ? ctx.auth.onCredentialEnded(ctx.credentialKey, stop) : () => {};
  const timer = setInterval(() => {
    ctx.isStillAuthenticated().then(
      (isValid) => {
        if (!isValid) stop();
      },
      // A database hiccup is not a logout; the next check decides.
      () => {},
    );
  }, RECHECK_MS);
  timer.unref();
  signal?.addEventListener("abort", stop, { once: true });
  if (signal?.aborted) stop();
  controller.signal.addEventListener(
    "abort",
    () => {
      stopListening();
      clearInterval(timer);
    },
    { once: true },
  );
  return controller.signal;
}
