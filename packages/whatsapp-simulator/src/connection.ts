import { EventEmitter } from "node:events";
import type { WebSocket } from "ws";
import {
  type BinaryNode,
  decodeBinaryNode,
  encodeBinaryNode,
  type KeyPair,
  type WAProto,
} from "./baileys.js";
import { type ClientFinish, FrameReader, frameBytes, NoiseServer } from "./noise-server.js";

/**
 * Baileys switches to its transport keys only after its clientFinish write has completed and an async
 * HKDF has run; a frame arriving before that is taken as a raw handshake frame and silently dropped. The
 * protocol gives the server no signal for "client switched keys", so the first encrypted frame waits
 * this long (a few ms suffice on an idle machine), then for a WebSocket ping round trip, so that a
 * client whose process was descheduled past the timer has run its event loop before we send.
 */
const HANDSHAKE_SETTLE_MS = 100;
const PONG_WAIT_MS = 1_000;

/** "replaced": a newer login of the same device took over; it got the conflict and is about to close. */
export type ConnectionPhase = "handshake" | "pairing" | "ready" | "replaced" | "closed";

export interface ConnectionHandlers {
  onLogin(connection: DeviceConnection, finish: ClientFinish): Promise<void>;
  onNode(connection: DeviceConnection, node: BinaryNode): Promise<void>;
  onClosed(connection: DeviceConnection): void;
  /** True while a blackhole fault is on: nothing in, nothing out. */
  isBlackholed(): boolean;
  /** A frame from the library vanished into the blackhole. */
  onSwallowed(connection: DeviceConnection, tag: string): void;
  /** Sees every decrypted node, for debugging a conversation with the library. */
  trace?(connection: DeviceConnection, direction: "in" | "out", node: BinaryNode): void;
}

let nextConnectionId = 1;

/** One WebSocket from the library: Noise handshake, then encrypted binary nodes in both directions. */
export class DeviceConnection extends EventEmitter<{ node: [BinaryNode]; closed: [] }> {
  readonly id = nextConnectionId++;
  phase: ConnectionPhase = "handshake";
  /** Pair-device refs issued to this connection (registration only), in the order the library shows them. */
  refs: string[] = [];
  registration?: WAProto.ClientPayload.IDevicePairingRegistrationData;
  clientStaticKey?: Buffer;
  /** The companion's `companion_hello` when it asked to link by pairing code instead of QR. */
  pairingCodeRequest?: { number: string; wrappedEphemeral: Buffer };
  deviceId?: number;
  private readonly noise: NoiseServer;
  private readonly reader = new FrameReader();
  private queue: Promise<void> = Promise.resolve();
  private frameCount = 0;
  private nextTag = 1;
  /** Its handshake fell into a blackhole: the Noise state can never catch up, so it stays silent for good. */
  private isDeaf = false;

  constructor(
    private readonly ws: WebSocket,
    serverStatic: KeyPair,
    private readonly handlers: ConnectionHandlers,
  ) {
    super();
    this.noise = new NoiseServer(serverStatic);
    ws.on("message", (data: Buffer) => {
      for (const frame of this.reader.push(data)) {
        // frames must be handled strictly in order: each one advances a Noise counter
        this.queue = this.queue.then(() => this.onFrame(frame)).catch((error: unknown) => this.fail(error));
      }
    });
    ws.on("close", () => this.markClosed());
    ws.on("error", () => this.markClosed());
  }

  get hasLostHandshake(): boolean {
    return this.isDeaf;
  }

  get isOpen(): boolean {
    return this.phase !== "closed";
  }

  newTag(): string {
    return `sim-${this.id}-${this.nextTag++}`;
  }

  send(node: BinaryNode): void {
    if (!this.isOpen || !this.noise.finished || this.isDeaf) return;
    // a half-open network: what the server sends never arrives, and is not sent again later
    if (this.handlers.isBlackholed()) return;
    this.handlers.trace?.(this, "out", node);
    this.ws.send(frameBytes(this.noise.encryptFrame(encodeBinaryNode(node))));
  }

  /** Resolves with the first node from the library that matches, or undefined when the socket closes. */
  waitForNode(matches: (node: BinaryNode) => boolean): Promise<BinaryNode | undefined> {
    return new Promise((resolve) => {
      if (!this.isOpen) return resolve(undefined);
      const onNode = (node: BinaryNode) => {
        if (!matches(node)) return;
        this.off("node", onNode);
        this.off("closed", onClose);
        resolve(node);
      };
      const onClose = () => {
        this.off("node", onNode);
        resolve(undefined);
      };
      this.on("node", onNode);
      this.once("closed", onClose);
    });
  }

  /** Resolves true when the library acks a node we sent (receipt, message), false if the socket closes. */
  async waitForAck(id: string, nodeClass: string): Promise<boolean> {
    const ack = await this.waitForNode(
      (node) => node.tag === "ack" && node.attrs.id === id && node.attrs.class === nodeClass,
    );
    return ack !== undefined;
  }

  /**
   * Sends a stream error and leaves the close to the library: closing first could overtake the stanza,
   * because Baileys decodes frames asynchronously and would then report 428 instead of the real reason.
   */
  streamError(node: BinaryNode): void {
    this.send(node);
    setTimeout(() => this.terminate(), 5_000).unref();
  }

  terminate(): void {
    this.ws.terminate();
    this.markClosed();
  }

  private async onFrame(frame: Buffer): Promise<void> {
    if (this.isDeaf) return;
    if (this.frameCount < 2 && this.handlers.isBlackholed()) {
      this.isDeaf = true;
      this.handlers.onSwallowed(this, "handshake");
      return;
    }
    this.frameCount += 1;
    if (this.frameCount === 1) {
      this.ws.send(frameBytes(await this.noise.serverHello(frame)));
      return;
    }
    if (this.frameCount === 2) {
      const finish = await this.noise.clientFinish(frame);
      this.clientStaticKey = finish.clientStaticKey;
      await this.settleAfterHandshake();
      if (this.isOpen) await this.handlers.onLogin(this, finish);
      return;
    }
    // decrypted even when swallowed: each frame advances the Noise counter, as TCP keeps bytes in order
    const node = await decodeBinaryNode(this.noise.decryptFrame(frame));
    if (this.handlers.isBlackholed()) {
      this.handlers.onSwallowed(this, node.tag);
      return;
    }
    this.handlers.trace?.(this, "in", node);
    this.emit("node", node);
    try {
      await this.handlers.onNode(this, node);
    } catch (error) {
      // one stanza the simulator cannot handle must not cost the library its connection
      process.emitWarning(
        `whatsapp-simulator: connection ${this.id} could not handle <${node.tag}>: ${String(error)}`,
      );
    }
  }

  private async settleAfterHandshake(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, HANDSHAKE_SETTLE_MS));
    if (!this.isOpen) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.ws.off("pong", done);
        resolve();
      };
      const timer = setTimeout(done, PONG_WAIT_MS);
      this.ws.on("pong", done);
      // ping throws if the socket started closing meanwhile; the caller then sees isOpen false
      try {
        this.ws.ping();
      } catch {
        done();
      }
    });
  }

  private fail(error: unknown): void {
    process.emitWarning(`whatsapp-simulator: connection ${this.id} failed: ${String(error)}`);
    this.terminate();
  }

  private markClosed(): void {
    if (this.phase === "closed") return;
    this.phase = "closed";
    this.emit("closed");
    this.handlers.onClosed(this);
  }
}
