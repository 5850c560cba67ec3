import type { BinaryNode } from "./baileys.js";

export const ackModes = ["normal", "delay", "withhold"] as const;
export type AckMode = (typeof ackModes)[number];

export const streamErrorKinds = ["restart-required", "conflict", "device-removed"] as const;
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
  }
}

export interface FaultState {
  refusingUntil: number | null;
  acks: { mode: AckMode; ms: number; withheld: number };
  sendError: { code: number; remaining: number | null; number: string | null } | null;
}

/** Fault switches the control API flips; the protocol code asks them at each decision point. */
export class Faults {
  private refuseUntil = 0;
  private ackMode: AckMode = "normal";
  private ackDelayMs = 0;
  private sendError: { code: number; remaining: number | null; number: string | null } | null = null;
  private withheld: (() => void)[] = [];

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
    };
  }
}
