import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { type BinaryNode, baileys, Curve } from "./baileys.js";

const { binaryNodeToString } = baileys;
import { ConflictLog, type ConflictReport } from "./conflicts.js";
import { DeviceConnection } from "./connection.js";
import {
  type SimulatorContext,
  SimulatorError,
  type SimulatorEvents,
  type SimulatorOptions,
} from "./context.js";
import { type AppStateAction, phoneAppStateAction } from "./app-state.js";
import { handleControlRequest } from "./control-http.js";
import { phoneSendsHistory } from "./history-sync.js";
import {
  type AckMode,
  Faults,
  type FaultState,
  type LoginFailureReason,
  type MediaMode,
  type StreamErrorKind,
  streamErrorNode,
  type WaWebMode,
} from "./faults.js";
import { MediaHost, type MediaHostInfo, type StoredBlob } from "./media-host.js";
import { answerIq, removeDevice } from "./iq-handlers.js";
import { contactSend, handleDeviceMessage } from "./messaging.js";
import type { DeliveryStatus } from "./offline-queue.js";
import { contactReceipts, type ReceiptType } from "./contact-receipts.js";
import { handleClientFinish, scanQr } from "./pairing.js";
import { enterPairingCode } from "./pairing-code.js";
import { newLid, type ReceivedMessage, SimulatorStore } from "./store.js";
import { bundledWaWebVersion, formatWaWebVersion, parseWaWebVersion } from "./wa-web-version.js";

export const DEFAULT_ACCOUNT_NUMBER = "6281200000001";
export const WS_PATH = "/ws/chat";

export interface StartSimulatorOptions
  extends Partial<Omit<SimulatorOptions, "minWaVersion" | "servedWaWebVersion">> {
  /** e.g. "2.3000.1030000000": older clients get `<failure reason="405">`. Default: no gate. */
  minWaVersion?: string;
  /** What `GET /wa-web/sw.js` announces; default the minimum when set, else Baileys' bundled version. */
  waWebVersion?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The HTTPS media host's port; 0 (default) picks a free one. */
  mediaPort?: number;
  /** Loopback by default: the control API has no authentication. */
  host?: string;
  /** Persist account, device keys, contacts' keys/sessions and received messages here. */
  dataDir?: string;
  accountNumber?: string;
  /** Receives one line per node in or out (decrypted, XML-like), for debugging. */
  trace?: (line: string) => void;
}

export interface SimulatorState {
  account: { number: string; jid: string; lid: string };
  devices: { jid: string; linkedAt: number; isRemoved: boolean; isConnected: boolean; preKeys: number }[];
  connections: { id: number; phase: string; deviceJid?: string }[];
  /** Refs of devices currently showing QR codes, oldest first per connection. */
  pendingQrRefs: string[];
  contacts: { number: string; onWhatsApp: boolean; lid: string | null; messages: number }[];
  /** Stanzas held for devices that were not connected, oldest first; flushed at their next login. */
  offlineQueue: {
    deviceJid: string;
    kind: "message" | "receipt";
    id: string;
    number: string;
    queuedAt: number;
  }[];
  faults: FaultState;
  /** The HTTPS media host and the CA PEM a client must trust to reach it. */
  mediaHost: MediaHostInfo;
  /** Version of each app-state collection the phone holds. */
  appState: Record<string, number>;
  /** The version gate and what /wa-web/sw.js serves, as "2.3000.x" strings. */
  waWeb: { minimum: string | null; served: string };
}

type EventPayload<K extends keyof SimulatorEvents> = SimulatorEvents[K][0];

/** A local WhatsApp Web server, phone and contacts for the unmodified library. See README.md. */
export class WhatsAppSimulator extends EventEmitter<SimulatorEvents> {
  readonly wsUrl: string;
  readonly controlUrl: string;
  readonly port: number;
  private readonly context: SimulatorContext;
  private readonly traceLine?: (line: string) => void;

  readonly phone = {
    /** Links the device showing this QR string (exactly as the library emitted it). */
    scan: (qr: string): Promise<{ deviceJid: string }> => scanQr(this.context, qr),
    /**
     * Types the pairing code a registering device displays after Baileys' `requestPairingCode` (link by
     * phone number). Not reachable through wa-multi-session's own pairing-code API; see README.
     */
    enterCode: (code: string): Promise<{ deviceJid: string }> => enterPairingCode(this.context, code),
    /** Removes every linked device; connected ones get `device_removed` (the library reports 401). */
    logout: (): { removed: string[] } => this.removeLinkedDevices("phone"),
    /** Mutes, pins or labels a chat on the phone; connected devices get `server_sync` and resync. */
    appState: (action: AppStateAction, chat: string) => phoneAppStateAction(this.context, action, chat),
    /** Sends connected devices a history sync (one chat, one message) whose blob is on the media host. */
    history: (chat: string, text: string) => phoneSendsHistory(this.context, chat, text),
  };

  readonly media = {
    /** Where to route WhatsApp's media host names, and the CA to trust for it. */
    info: (): MediaHostInfo => ({ ...this.context.media.info }),
    /** A blob stored on the media host (uploaded by the library, or the server's own), by direct path. */
    blob: (directPath: string): StoredBlob | undefined => this.context.media.blob(directPath),
  };

  readonly contacts = {
    /**
     * `lid: true` gives the contact a LID (kept for good, like WhatsApp's): its stanzas then come
     * from `<lid>@lid` with `sender_pn`. Omitted or false leaves an existing LID in place.
     * `cold`: the contact never wrote to the account; the account's messages get 463 until they do.
     */
    add: (
      number: string,
      options: { onWhatsApp: boolean; lid?: boolean; cold?: boolean } = { onWhatsApp: true },
    ) => {
      const contact = this.context.store.contact(number);
      contact.onWhatsApp = options.onWhatsApp;
      if (options.lid && !contact.lid) contact.lid = newLid();
      if (options.cold !== undefined) contact.cold = options.cold;
      this.context.store.save();
      return {
        number,
        onWhatsApp: contact.onWhatsApp,
        lid: contact.lid ?? null,
        cold: contact.cold === true,
      };
    },
    messages: (number: string): ReceivedMessage[] =>
      (this.context.store.data.contacts[number]?.messages ?? []).map((message) => ({ ...message })),
    /** Live to connected devices; held in the offline queue (`status: "queued"`) while none is. */
    send: (number: string, text: string): Promise<{ id: string; status: DeliveryStatus }> =>
      contactSend(this.context, number, text),
    /** The contact sends a delivered or read receipt for messages it received earlier (queued too). */
    receipts: (
      number: string,
      type: ReceiptType,
      ids: string[],
    ): Promise<{ ids: string[]; status: DeliveryStatus }> => contactReceipts(this.context, number, type, ids),
    /** Off: contacts still get messages and the server still acks, but nobody sends delivered/read. */
    setAutoReceipts: (enabled: boolean): void => {
      this.context.options.autoReceipts = enabled;
    },
  };

  readonly faults = {
    /** Terminates every socket without a goodbye; the library sees 428. Returns how many. */
    drop: (): number => {
      const open = [...this.context.connections];
      for (const connection of open) connection.terminate();
      return open.length;
    },
    /** New connections are cut before the WebSocket upgrade completes, for `seconds`. */
    refuse: (seconds: number): void => this.context.faults.refuse(seconds),
    streamError: (kind: StreamErrorKind): number => this.streamError(kind),
    acks: (mode: AckMode, ms = 0): void => this.context.faults.setAcks(mode, ms),
    /**
     * The next `count` sends (all, if omitted) get an ack with this error; `null` clears. With `number`,
     * only sends to that contact.
     */
    sendError: (code: number | null, count?: number, number?: string): void =>
      this.context.faults.setSendError(code, count, number),
    /** The next `count` logins (all, if omitted) get `<failure reason=…>`; `null` clears. */
    loginFailure: (reason: LoginFailureReason | null, count?: number): void =>
      this.context.faults.setLoginFailure(reason, count),
    /**
     * For `seconds` the server answers nothing: frames from the library are swallowed (never answered,
     * not even later), nothing is sent to it (keep-alive answers included), and new connections hang
     * unanswered until the window ends, then are cut. Sockets stay open.
     */
    blackhole: (seconds: number): void => this.context.faults.blackhole(seconds),
    /** `GET /wa-web/sw.js`: "fail" answers 500, "hang" never answers. */
    waWeb: (mode: WaWebMode): void => this.context.faults.setWaWebMode(mode),
    /** `media_conn` answers, uploads and downloads: "slow" by `ms`, "hang", "fail"; "normal" clears. */
    media: (mode: MediaMode, ms?: number): void => {
      this.context.faults.setMedia(mode, ms);
      // leaving "hang" resets what it held, like a stalled connection that finally drops
      if (mode !== "hang") this.context.media.releaseHanging();
    },
  };

  constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    store: SimulatorStore,
    faults: Faults,
    media: MediaHost,
    options: SimulatorOptions,
    host: string,
    traceLine?: (line: string) => void,
  ) {
    super();
    this.traceLine = traceLine;
    this.port = (server.address() as AddressInfo).port;
    this.wsUrl = `ws://${host}:${this.port}${WS_PATH}`;
    this.controlUrl = `http://${host}:${this.port}`;
    this.context = {
      store,
      faults,
      events: this,
      options,
      connections: new Set(),
      media,
      conflicts: new ConflictLog(),
    };
    // connections whose handshake fell into the blackhole can never recover; cut them when it ends
    this.context.faults.onBlackholeEnd(() => {
      for (const connection of [...this.context.connections]) {
        if (connection.hasLostHandshake) connection.terminate();
      }
    });
  }

  state(): SimulatorState {
    const { store, connections, faults } = this.context;
    const open = [...connections];
    return {
      account: { number: store.accountNumber, jid: store.accountJid, lid: store.accountLid },
      devices: Object.values(store.data.devices).map((device) => ({
        jid: device.jid,
        linkedAt: device.linkedAt,
        isRemoved: device.isRemoved,
        isConnected: open.some(
          (connection) => connection.phase === "ready" && connection.deviceId === device.id,
        ),
        preKeys: Object.keys(device.preKeys).length,
      })),
      connections: open.map((connection) => ({
        id: connection.id,
        phase: connection.phase,
        deviceJid: connection.deviceId === undefined ? undefined : store.device(connection.deviceId)?.jid,
      })),
      pendingQrRefs: open.filter((connection) => connection.phase === "pairing").flatMap((c) => c.refs),
      contacts: Object.values(store.data.contacts).map((contact) => ({
        number: contact.number,
        onWhatsApp: contact.onWhatsApp,
        lid: contact.lid ?? null,
        messages: contact.messages.length,
      })),
      offlineQueue: store.data.offlineQueue.map((stanza) => ({
        deviceJid: store.device(stanza.deviceId)?.jid ?? "",
        kind: stanza.kind,
        id: stanza.id,
        number: stanza.number,
        queuedAt: stanza.queuedAt,
      })),
      faults: faults.state(),
      mediaHost: { ...this.context.media.info },
      appState: Object.fromEntries(
        Object.entries(store.data.account.appState ?? {}).map(([name, collection]) => [
          name,
          collection.version,
        ]),
      ),
      waWeb: {
        minimum: this.context.options.minWaVersion && formatWaWebVersion(this.context.options.minWaVersion),
        served: formatWaWebVersion(this.context.options.servedWaWebVersion),
      },
    };
  }

  /** Every conflict (a login that replaced a still-logged-in connection of its device) since start. */
  conflicts(): ConflictReport {
    return this.context.conflicts.report();
  }

  /** Resolves with the next event of this kind that matches; rejects after `timeoutMs` saying what it awaited. */
  waitFor<K extends keyof SimulatorEvents>(
    event: K,
    matches: (payload: EventPayload<K>) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<EventPayload<K>> {
    const emitter = this.untyped();
    return new Promise((resolve, reject) => {
      const listener = (...args: SimulatorEvents[K]) => {
        const [payload] = args;
        if (!matches(payload)) return;
        clearTimeout(timer);
        emitter.off(event, listener);
        resolve(payload);
      };
      const timer = setTimeout(() => {
        emitter.off(event, listener);
        reject(new Error(`whatsapp-simulator: no matching "${event}" event within ${timeoutMs} ms`));
      }, timeoutMs);
      emitter.on(event, listener);
    });
  }

  /**
   * Node's typed EventEmitter cannot check a listener against a generic event key (a TypeScript
   * limitation); `waitFor` registers through this untyped view of the same emitter.
   */
  private untyped(): EventEmitter {
    return this;
  }

  /** Resolves once the contact has received at least `count` distinct messages. */
  async waitForMessages(number: string, count: number, timeoutMs = 20_000): Promise<ReceivedMessage[]> {
    const pending = this.waitFor("message", () => this.contacts.messages(number).length >= count, timeoutMs);
    if (this.contacts.messages(number).length >= count) {
      pending.catch(() => undefined);
      return this.contacts.messages(number);
    }
    await pending;
    return this.contacts.messages(number);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    // upgrades held by a blackhole are raw sockets the HTTP server would wait for
    this.context.faults.endBlackhole();
    for (const connection of this.context.connections) connection.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => this.server.close(() => resolve())),
      this.context.media.close(),
    ]);
  }

  /** @internal wiring for the HTTP server's upgrade handler */
  acceptSocket(ws: import("ws").WebSocket, serverStatic: import("./baileys.js").KeyPair): void {
    const connection = new DeviceConnection(ws, serverStatic, {
      onLogin: (conn, finish) => handleClientFinish(this.context, conn, finish),
      onNode: (conn, node) => this.onNode(conn, node),
      trace: this.traceLine && traceWith(this.traceLine),
      isBlackholed: () => this.context.faults.isBlackholed(),
      onSwallowed: (conn, tag) => this.emit("blackholed-frame", { connectionId: conn.id, tag }),
      onClosed: (conn) => {
        this.context.connections.delete(conn);
        const device = conn.deviceId === undefined ? undefined : this.context.store.device(conn.deviceId);
        this.emit("disconnect", { connectionId: conn.id, deviceJid: device?.jid });
      },
    });
    this.context.connections.add(connection);
    this.emit("connection", { connectionId: connection.id });
  }

  /** @internal */
  isRefusing(): boolean {
    return this.context.faults.isRefusing();
  }

  /**
   * WhatsApp raises its minimum client version every few weeks while devices stay linked; `null`
   * removes the gate. Takes effect at the next login; what /wa-web/sw.js serves is unchanged.
   */
  setMinWaVersion(version: string | null): void {
    this.context.options.minWaVersion = version === null ? null : parseWaWebVersion(version);
  }

  /** @internal an upgrade arriving during a blackhole hangs unanswered, then is cut when it ends */
  holdIfBlackholed(cut: () => void): boolean {
    const { faults } = this.context;
    if (!faults.isBlackholed()) return false;
    this.emit("upgrade-held", { at: Date.now() });
    const off = faults.onBlackholeEnd(() => {
      off();
      cut();
    });
    return true;
  }

  /** @internal the body of `GET /wa-web/sw.js`, or what the fault makes of it */
  waWebMode(): WaWebMode {
    return this.context.faults.waWeb();
  }

  /** @internal */
  servedWaWebVersion() {
    return this.context.options.servedWaWebVersion;
  }

  private async onNode(connection: DeviceConnection, node: BinaryNode): Promise<void> {
    if (node.tag === "iq") await answerIq(this.context, connection, node);
    else if (node.tag === "message") await handleDeviceMessage(this.context, connection, node);
    // receipts, acks, presences from the library need no answer
  }

  private streamError(kind: StreamErrorKind): number {
    const targets = [...this.context.connections].filter((connection) => connection.phase !== "handshake");
    for (const connection of targets) {
      if (kind === "device-removed") removeDevice(this.context, connection, "fault");
      connection.streamError(streamErrorNode(kind));
    }
    return targets.length;
  }

  private removeLinkedDevices(by: "phone"): { removed: string[] } {
    const removed = this.context.store.activeDevices().map((device) => device.jid);
    for (const connection of [...this.context.connections]) {
      if (connection.phase !== "ready") continue;
      removeDevice(this.context, connection, by);
      connection.streamError(streamErrorNode("device-removed"));
    }
    for (const device of this.context.store.activeDevices()) device.isRemoved = true;
    this.context.store.save();
    return { removed };
  }
}

function traceWith(traceLine: (line: string) => void) {
  return (connection: DeviceConnection, direction: "in" | "out", node: BinaryNode) =>
    traceLine(`#${connection.id} ${direction === "in" ? "<-" : "->"} ${binaryNodeToString(node)}`);
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<WhatsAppSimulator> {
  // parsed before listening, so a bad version throws without leaving a server behind
  const minWaVersion = options.minWaVersion === undefined ? null : parseWaWebVersion(options.minWaVersion);
  const servedWaWebVersion =
    options.waWebVersion === undefined
      ? (minWaVersion ?? bundledWaWebVersion())
      : parseWaWebVersion(options.waWebVersion);
  const host = options.host ?? "127.0.0.1";
  const store = new SimulatorStore(options.accountNumber ?? DEFAULT_ACCOUNT_NUMBER, options.dataDir);
  const serverStatic = Curve.generateKeyPair();
  const wss = new WebSocketServer({ noServer: true });
  let simulator: WhatsAppSimulator | undefined;
  const server = createServer((request, response) => {
    if (simulator) handleControlRequest(simulator, request, response);
    else response.writeHead(503).end();
  });
  server.on("upgrade", (request, socket, head) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (!simulator || path !== WS_PATH) return void socket.destroy();
    if (simulator.holdIfBlackholed(() => socket.destroy())) return;
    if (simulator.isRefusing()) {
      // cut before the upgrade completes, like an unreachable edge server
      simulator.emit("refused", { at: Date.now() });
      return void socket.destroy();
    }
    const accepting = simulator;
    wss.handleUpgrade(request, socket, head, (ws) => accepting.acceptSocket(ws, serverStatic));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const faults = new Faults();
  const media = await MediaHost.start({
    host,
    port: options.mediaPort ?? 0,
    dataDir: options.dataDir,
    faults,
    onRequest: (request) => simulator?.emit("media-request", request),
  });
  simulator = new WhatsAppSimulator(
    server,
    wss,
    store,
    faults,
    media,
    {
      autoReceipts: options.autoReceipts ?? true,
      readReceiptDelayMs: options.readReceiptDelayMs ?? 50,
      qrRefCount: options.qrRefCount ?? 6,
      minWaVersion,
      servedWaWebVersion,
    },
    host,
    options.trace,
  );
  return simulator;
}

export { SimulatorError };
