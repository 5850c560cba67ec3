import { useState } from "react";
import { trpc } from "../api/trpc";

/** The seed's fallback: refresh every 10 s, but only while the live subscription is down. */
export const FALLBACK_REFRESH_MS = 10_000;

/**
 * Keeps the session status in the React Query cache from the SSE subscription, so every screen that
 * reads `session.status` is live. Mount it once (the app shell); screens call `useSessionStatus()`.
 */
export function useLiveSessionStatus(): { isLive: boolean } {
  const utils = trpc.useUtils();
  const [isLive, setIsLive] = useState(false);
  const subscription = trpc.session.onStatusChange.useSubscription(undefined, {
    onStarted: () => setIsLive(true),
    onData: (event) => {
      // Tracked events: the client resumes from event.id by itself after a reconnect.
      utils.session.status.setData(undefined, event.data);
      // The session record (name, number) can change with the state, e.g. after create or delete.
      void utils.session.get.invalidate();
    },
    onError: () => setIsLive(false),
  });
  const live = isLive && subscription.status !== "error";
  trpc.session.status.useQuery(undefined, { refetchInterval: live ? false : FALLBACK_REFRESH_MS });
  return { isLive: live };
}

export function useSessionStatus() {
  return trpc.session.status.useQuery();
}
