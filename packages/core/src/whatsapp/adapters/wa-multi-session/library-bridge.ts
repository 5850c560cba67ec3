/**
 * The one place that loads wa-multi-session and Baileys and bends them to core's policy.
 *
 * wa-multi-session@3.8.3 keeps module-global state and, on any socket close, restarts at once; after
 * ten closes in a row (a third of a second with the server down) or on a 401 it rm -rf's the
 * credential folder. It offers no option to turn that off, so we hook the three Baileys functions it
 * calls (it reads them from Baileys' exports on every call):
 *
 * - `fetchLatestBaileysVersion` answers the bundled version at once, so start-up never waits on the
 *   network; the version a socket announces is core's resolved one, set in the socket config.
 * - `useMultiFileAuthState` is redirected from wa-multi-session's `<dir>/<id>_credentials` to our
 *   storage: `<sessionsDir>/<id>/` with atomic writes, or the database table (auth-state.ts).
 *   wa-multi-session's own path then never exists, so its existence checks never block a restart and
 *   its `deleteSession` would have nothing to delete.
 * - `makeWASocket` gets our config (version, keep-alive, logger, QR timeout) and hands wa-multi-session a view of
 *   the events without "close": its instant-retry / delete path never runs. Core decides instead.
 *
 * The hooks are installed once per process and are no-ops for sessions no adapter registered.
 */
import path from "node:path";
import type {
  AuthenticationState,
  BaileysEventMap,
  UserFacingSocketConfig,
  WASocket,
} from "@whiskeysockets/baileys";
import { type AuthStorage, useAuthState } from "./auth-state.js";
import { baileys, library, requireFromLibrary } from "./library-modules.js";

export { closeAuthStorage } from "./auth-state.js";
export { baileys, library };

type MakeSocket = (config: UserFacingSocketConfig) => WASocket;
type AuthStateLoader = (
  folder: string,
) => Promise<{ state: AuthenticationState; saveCreds: () => Promise<void> }>;
type VersionFetcher = () => Promise<{
  version: [number, number, number];
  isLatest: boolean;
  error?: unknown;
}>;
type EventMap = Partial<BaileysEventMap>;

/** What an adapter tells the bridge about a session it owns. */
export interface SessionOwner {
  /** Where the credentials really live: <sessionsDir>/<sessionId>/ or the database. */
  storage: AuthStorage;
  socketConfig: () => Partial<UserFacingSocketConfig>;
  /** Called with the real socket right after Baileys made it, before wa-multi-session sees it. */
  onSocket: (socket: WASocket) => void;
  onStorageError: (error: unknown) => void;
  /** The folder refuses writes; they are kept in memory and retried (see atomic-auth-state.ts). */
  onCredentialsUnwritable: (error: Error) => void;
  /** Every write kept since onCredentialsUnwritable has landed. */
  onCredentialsWritable: () => void;
  /** Writes were dropped: this node no longer holds the session's lease. */
  onCredentialsFenced: (error: Error) => void;
}

const LIBRARY_SUFFIX = "_credentials";
const owners = new Map<string, SessionOwner>();
const ownerByAuthState = new WeakMap<AuthenticationState, SessionOwner>();
let isInstalled = false;

export function registerSessionOwner(sessionId: string, owner: SessionOwner): () => void {
  installLibraryHooks();
  owners.set(sessionId, owner);
  return () => {
    if (owners.get(sessionId) === owner) owners.delete(sessionId);
  };
}

export const bundledWaWebVersion = (): [number, number, number] => {
  const [major = 2, minor = 3000, patch = 0] = baileys.DEFAULT_CONNECTION_CONFIG.version;
  return [major, minor, patch];
};

export function installLibraryHooks(): void {
  if (isInstalled) return;
  const generics = requireFromLibrary("@whiskeysockets/baileys/lib/Utils/generics") as {
    fetchLatestBaileysVersion: VersionFetcher;
  };
  const authModule = requireFromLibrary("@whiskeysockets/baileys/lib/Utils/use-multi-file-auth-state") as {
    useMultiFileAuthState: AuthStateLoader;
  };
  const socketModule = baileys as unknown as { default: MakeSocket };
  const originalMakeSocket = socketModule.default;
  const originalLoadAuthState = authModule.useMultiFileAuthState;
  if (
    typeof generics.fetchLatestBaileysVersion !== "function" ||
    typeof originalLoadAuthState !== "function" ||
    typeof originalMakeSocket !== "function"
  ) {
    // A different library version moved these: fail loudly rather than risk the credential wipe.
    throw new Error(
      "wa-multi-session/Baileys internals changed; the adapter supports wa-multi-session 3.8.3",
    );
  }

  generics.fetchLatestBaileysVersion = async () => ({
    version: bundledWaWebVersion(),
    isLatest: false,
  });

  authModule.useMultiFileAuthState = async (libraryFolder: string) => {
    const owner = ownerForLibraryFolder(libraryFolder);
    if (!owner) return originalLoadAuthState(libraryFolder);
    // Same files as Baileys' loader, written atomically or in one statement (see auth-state.ts).
    const { state, saveCreds } = await useAuthState(owner.storage, {
      onUnwritable: (error) => owner.onCredentialsUnwritable(error),
      onWritable: () => owner.onCredentialsWritable(),
      onFenced: (error) => owner.onCredentialsFenced(error),
    });
    // A save racing a logout finds the folder moved to the backup; report it instead of an
    // unhandled rejection inside wa-multi-session's event handler.
    const guardedSave = async () => {
      try {
        await saveCreds();
      } catch (error) {
        owner.onStorageError(error);
      }
    };
    ownerByAuthState.set(state, owner);
    return { state, saveCreds: guardedSave };
  };

  socketModule.default = (config: UserFacingSocketConfig) => {
    const owner = ownerByAuthState.get(config.auth as AuthenticationState);
    if (!owner) return originalMakeSocket(config);
    const socket = originalMakeSocket({ ...config, ...owner.socketConfig() });
    owner.onSocket(socket);
    return { ...socket, ev: withoutCloseEvents(socket.ev) };
  };
  isInstalled = true;
}

function ownerForLibraryFolder(libraryFolder: string): SessionOwner | undefined {
  const name = path.basename(libraryFolder);
  if (!name.endsWith(LIBRARY_SUFFIX)) return undefined;
  return owners.get(name.slice(0, -LIBRARY_SUFFIX.length));
}

/**
 * wa-multi-session's view of the socket's events: only what it needs to save credentials and to
 * report QR/connecting/open. "close" is withheld (its retry/delete path), and so are message events,
 * which its handler reads only the first entry of and crashes on when empty.
 */
function withoutCloseEvents(ev: WASocket["ev"]): WASocket["ev"] {
  return {
    ...ev,
    process: (handler) =>
      ev.process((events: EventMap) => {
        const forwarded: EventMap = {};
        const update = events["connection.update"];
        if (update && update.connection !== "close") forwarded["connection.update"] = update;
        if (events["creds.update"]) forwarded["creds.update"] = events["creds.update"];
        if (Object.keys(forwarded).length > 0) return handler(forwarded);
      }),
  };
}
