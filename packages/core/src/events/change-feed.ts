import type { ChangeFeed, ChangeTopic } from "../contract.js";

export const CHANGE_TOPICS: readonly ChangeTopic[] = [
  "settings",
  "optouts",
  "tokens",
  "webhooks",
  "autoreplies",
  "broadcasts",
];

export function isChangeTopic(text: string): text is ChangeTopic {
  return (CHANGE_TOPICS as readonly string[]).includes(text);
}

/** The listeners of a ChangeFeed, by topic; `fire` calls them, one failing listener not stopping the rest. */
export function createChangeListeners() {
  const listeners = new Map<ChangeTopic, Set<() => void>>();
  return {
    on(topic: ChangeTopic, listener: () => void): () => void {
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    fire(topic: ChangeTopic): void {
      for (const listener of listeners.get(topic) ?? []) {
        try {
          listener();
        } catch {
          // a cache that fails to drop must not keep the others stale
        }
      }
    },
  };
}

/** One process (SQLite): whoever writes updates its own cache, so there is nobody to tell. */
export function createSingleProcessChangeFeed(): ChangeFeed {
  const listeners = createChangeListeners();
  return { announce() {}, on: listeners.on };
}
