import type { BinaryNode } from "./baileys.js";

export const ackModes = ["normal", "delay", "withhold"] as const;
export type AckMode = (typeof ackModes)[number];

export const streamErrorKinds = [
  "restart-required",
  "conflict",
  "device-removed",
  "service-unavailable",
  "stream-end",
] as const;
export type StreamErrorKind = (typeof streamErrorKinds)[number];

/** The stanza the real server sends for each kind, as Baileys' `getErrorCodeFromStreamError` reads it. */
export function streamErrorNode(kind: StreamErrorKind): BinaryNode {
  switch (kind) {
    case "restart-required":
      return { tag: "stream:error", attrs: { code: "515" } };
    case "conflict":
      // no code attribute: Baileys maps the `conflict` child to 440 (connectionReplaced)
      return { tag: "stream:error", attrs: {}, content: [{ tag: "conflict", attrs: { type: "replaced" } }] };
    case "device-removed":
      return {
        tag: "stream:error",
        attrs: { code: "401" },
        content: [{ tag: "conflict", attrs: { type: "device_removed" } }],
      };
    case "service-unavailable":
      // the code attribute decides: Baileys reports 503
      return { tag: "stream:error", attrs: { code: "503" } };
    case "stream-end":
      // Baileys' `CB:xmlstreamend` handler ends the socket with 428 (connectionClosed)
      return { tag: "xmlstreamend", attrs: {} };
  }
}

/** Reasons the server puts in `<failure reason="…">` at login; Baileys turns the reason into the status code. */
export const loginFailureReasons = [401, 403, 405, 503] as const;
export type LoginFailureReason = (typeof loginFailureReasons)[number];

/** How `GET /wa-web/sw.js` behaves: serve the version, answer 500, or never answer. */
export const waWebModes = ["normal", "fail", "hang"] as const;
export type WaWebMode = (typeof waWebModes)[number];

export interface FaultState {
  refusingUntil: number | null;
  acks: { mode: AckMode; ms: number; withheld: number };
  sendError: { code: number; remaining: number | null; number: string | null } | null;
  loginFailure: { reason: LoginFailureReason; remaining: number | null } | null;
  /** Until when (ms epoch) the server answers nothing; null when not blackholed. */
  blackholeUntil: number | null;
  waWeb: WaWebMode;
}

/** Fault switches the control API flips; the protocol code asks them at each decision point. */
export class Faults {
  private refuseUntil = 0;
  private ackMode: AckMode = "normal";
  private ackDelayMs = 0;
  private sendError: { code: number; remaining: number | null; number: string | null } | null = null;
  private withheld: (() => void)[] = [];
  private loginFailure: { reason: LoginFailureReason; remaining: number | null } | null = null;
  private blackholeEnd = 0;
  private blackholeTimer: NodeJS.Timeout | null = null;
  private waWebMode: WaWebMode = "normal";
  private readonly blackholeEndListeners = new Set<() => void>();

  refuse(seconds: number): void {
    this.refuseUntil = Date.now() + seconds * 1000;
  }

  isRefusing(): boolean {
    return Date.now() < this.refuseUntil;
  }

  /** Leaving "withhold" releases what was held, so a test can prove the library recovers. */
  setAcks(mode: AckMode, ms = 0): void {
    this.ackMode = mode;
    this.ackDelayMs = ms;
    if (mode !== "withhold") {
      const released = this.withheld;
      this.withheld = [];
      for (const deliver of released) deliver();
    }
  }

  /**
   * `count` omitted: every send fails until cleared with `setSendError(null)`. `number`: only sends
   * to that contact fail (a message the server rejects for one recipient, e.g. 500 each time).
   */
  setSendError(code: number | null, count?: number, number?: string): void {
    this.sendError = code === null ? null : { code, remaining: count ?? null, number: number ?? null };
  }

  /** The error code a send to `to` must get, if any, consuming one of the configured failures. */
  takeSendError(to: string): number | undefined {
    const error = this.sendError;
    if (!error || (error.number !== null && error.number !== to)) return undefined;
    if (error.remaining !== null) {
      error.remaining -= 1;
      if (error.remaining <= 0) this.sendError = null;
    }
    return error.code;
  }

  /** `count` omitted: every login fails until cleared with `setLoginFailure(null)`. */
  setLoginFailure(reason: LoginFailureReason | null, count?: number): void {
    this.loginFailure = reason === null ? null : { reason, remaining: count ?? null };
  }

  /** The reason the next login must be refused with, if any, consuming one of the configured failures. */
  takeLoginFailure(): LoginFailureReason | undefined {
    const failure = this.loginFailure;
    if (!failure) return undefined;
    if (failure.remaining !== null) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.loginFailure = null;
    }
    return failure.reason;
  }

  /** The server goes silent for `seconds`; `onEnd` listeners run when the window is over. */
  blackhole(seconds: number): void {
    this.blackholeEnd = Date.now() + seconds * 1000;
    if (this.blackholeTimer) clearTimeout(this.blackholeTimer);
    this.blackholeTimer = setTimeout(() => {
      this.blackholeTimer = null;
      for (const listener of [...this.blackholeEndListeners]) listener();
    }, seconds * 1000);
    this.blackholeTimer.unref();
  }

  /** Ends a blackhole now (the simulator closing): its listeners run, hung upgrades are cut. */
  endBlackhole(): void {
    if (!this.blackholeTimer) return;
    clearTimeout(this.blackholeTimer);
    this.blackholeTimer = null;
    this.blackholeEnd = 0;
    for (const listener of [...this.blackholeEndListeners]) listener();
  }

  isBlackholed(): boolean {
    return Date.now() < this.blackholeEnd;
  }

  onBlackholeEnd(listener: () => void): () => void {
    this.blackholeEndListeners.add(listener);
    return () => this.blackholeEndListeners.delete(listener);
  }

  setWaWebMode(mode: WaWebMode): void {
    this.waWebMode = mode;
  }

  waWeb(): WaWebMode {
    return this.waWebMode;
  }

  /** Runs the server's ack (and what follows it) now, later, or not until acks are set back. */
  gateAck(deliver: () => void): AckMode {
    if (this.ackMode === "withhold") this.withheld.push(deliver);
    else if (this.ackMode === "delay") setTimeout(deliver, this.ackDelayMs).unref();
    else deliver();
    return this.ackMode;
  }

  state(): FaultState {
    return {
      refusingUntil: this.isRefusing() ? this.refuseUntil : null,
      acks: { mode: this.ackMode, ms: this.ackDelayMs, withheld: this.withheld.length },
      sendError: this.sendError && { ...this.sendError },
      loginFailure: this.loginFailure && { ...this.loginFailure },
      blackholeUntil: this.isBlackholed() ? this.blackholeEnd : null,
      waWeb: this.waWebMode,
    };
  }
}
