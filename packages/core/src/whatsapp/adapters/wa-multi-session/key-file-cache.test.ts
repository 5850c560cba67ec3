/**
 * Key files come from memory once read or written (key-file-cache.ts), and never as something older
 * than what the storage holds or is about to hold.
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { type AuthStorage, closeAuthStorage, useAuthState } from "./auth-state.js";

const NAME = "session-alice.0.json";

/** A storage in a Map, counting reads; `gate` holds the next read of NAME until released. */
function memoryStorage(options: { classify?: AuthStorage["classify"]; failCommits?: () => boolean } = {}) {
  const files = new Map<string, string>();
  const reads: string[] = [];
  let gate: Promise<void> | null = null;
  const storage: AuthStorage = {
    location: `memory:${randomUUID()}`,
    description: "memory",
    async read(name) {
      reads.push(name);
      if (name === NAME && gate) await gate;
      return files.get(name) ?? null;
    },
    async commit(changes) {
      if (options.failCommits?.()) throw new Error("the storage failed");
      for (const [name, content] of changes) {
        if (content === null) files.delete(name);
        else files.set(name, content);
      }
    },
    classify: options.classify ?? (() => null),
  };
  const holdNextRead = () => {
    let release = () => {};
    gate = new Promise<void>((resolve) => {
      release = () => {
        gate = null;
        resolve();
      };
    });
    return release;
  };
  const readsOf = (name: string) => reads.filter((read) => read === name).length;
  return { storage, files, readsOf, holdNextRead };
}

const sessionText = async (state: Awaited<ReturnType<typeof useAuthState>>["state"]) => {
  const value = (await state.keys.get("session", ["alice.0"]))["alice.0"] as Uint8Array | null;
  return value ? Buffer.from(value).toString() : null;
};

it("reads a key file from the storage once; later reads, and what the auth state wrote, come from memory", async () => {
  const { storage, readsOf } = memoryStorage();
  const { state } = await useAuthState(storage);
  expect(await sessionText(state)).toBeNull();
  expect(await sessionText(state)).toBeNull();
  expect(readsOf(NAME)).toBe(1);

  await state.keys.set({ session: { "alice.0": Buffer.from("advanced") } });
  expect(await sessionText(state)).toBe("advanced");
  expect(readsOf(NAME)).toBe(1);
});

it("a read still running when a write is issued does not bring the older content back", async () => {
  const { storage, files, holdNextRead } = memoryStorage();
  files.set(NAME, JSON.stringify(Buffer.from("old").toJSON()));
  const { state } = await useAuthState(storage);
  const release = holdNextRead();
  const slowRead = sessionText(state);
  const write = state.keys.set({ session: { "alice.0": Buffer.from("new") } });
  release();
  await Promise.all([slowRead, write]);
  expect(await sessionText(state)).toBe("new");
});

it("a new auth state on the location reads the storage again (another node may have written it)", async () => {
  const { storage, files } = memoryStorage();
  const first = await useAuthState(storage);
  await first.state.keys.set({ session: { "alice.0": Buffer.from("this node") } });
  files.set(NAME, JSON.stringify(Buffer.from("the other node").toJSON()));
  const second = await useAuthState(storage);
  expect(await sessionText(second.state)).toBe("the other node");
});

it("a write the storage failed is read back from the storage, not from memory", async () => {
  let isFailing = false;
  const { storage, files } = memoryStorage({ failCommits: () => isFailing });
  files.set(NAME, JSON.stringify(Buffer.from("stored").toJSON()));
  const { state } = await useAuthState(storage);
  expect(await sessionText(state)).toBe("stored");
  isFailing = true;
  await expect(state.keys.set({ session: { "alice.0": Buffer.from("lost") } })).rejects.toThrow(
    "the storage failed",
  );
  expect(await sessionText(state)).toBe("stored");
});

it("writes dropped because another node holds the session are forgotten too", async () => {
  let isFenced = false;
  const { storage, files } = memoryStorage({
    failCommits: () => isFenced,
    classify: () => (isFenced ? { kind: "fenced" } : null),
  });
  files.set(NAME, JSON.stringify(Buffer.from("stored").toJSON()));
  const { state } = await useAuthState(storage);
  expect(await sessionText(state)).toBe("stored");
  isFenced = true;
  await state.keys.set({ session: { "alice.0": Buffer.from("dropped") } });
  expect(await sessionText(state)).toBe("stored");
});

it("after a logout, reads go to the storage again", async () => {
  const { storage, files, readsOf } = memoryStorage();
  const { state } = await useAuthState(storage);
  await state.keys.set({ session: { "alice.0": Buffer.from("linked") } });
  closeAuthStorage(storage.location);
  files.delete(NAME);
  expect(await sessionText(state)).toBeNull();
  expect(readsOf(NAME)).toBe(1);
});
