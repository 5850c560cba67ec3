import { broadcastIdInput } from "@kabar/core/schemas";
import { tracked } from "@trpc/server";
import { readProcedure } from "../../trpc/trpc.js";

/** Without an id: whichever broadcast is running (null while none is), as the dashboard shows it. */
export const onBroadcastProgressInput = broadcastIdInput.partial().optional();

/** At most this many progress updates a second: 1,970 acks must not become 1,970 database reads. */
const MIN_UPDATE_GAP_MS = 250;

/**
 * The broadcast's progress now, then again whenever it may have changed (a row's message moved on,
 * the broadcast started, paused, finished). Each update is the whole progress, so a client that
 * reconnects needs no history: the first update is the current state.
 */
export const onBroadcastProgress = readProcedure
  .input(onBroadcastProgressInput)
  .subscription(async function* ({ ctx, input, signal }) {
    let isDirty = true;
    let updates = 0;
    let wake: (() => void) | null = null;
    const markDirty = () => {
      isDirty = true;
      wake?.();
    };
    // listen before the first read, so a change during it is not missed
    const wanted = input?.id;
    const offChange = ctx.kabar.broadcasts.onChange((id) => {
      if (wanted === undefined || id === wanted) markDirty();
    });
    const offEvents = ctx.kabar.events.on(({ event }) => {
      if (event.type === "message.status") markDirty();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      while (!signal?.aborted) {
        if (!isDirty) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
          continue;
        }
        isDirty = false;
        updates += 1;
        // every update is the whole progress, so a client resuming from any id just takes the next one
        yield tracked(
          `${Date.now()}-${updates}`,
          wanted === undefined
            ? await ctx.kabar.broadcasts.running()
            : await ctx.kabar.broadcasts.get({ id: wanted }),
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, MIN_UPDATE_GAP_MS);
          wake = () => {
            if (signal?.aborted) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
        wake = null;
      }
    } finally {
      offChange();
      offEvents();
      signal?.removeEventListener("abort", onAbort);
    }
  });
