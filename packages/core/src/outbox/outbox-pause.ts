import type { Logger } from "pino";
import type { Clock, OutboxSession } from "./outbox-context.js";
import { DEFAULT_PAUSE_REASON, type Described, described } from "./detail-codes.js";

/**
 * The outbox's two pauses. Automatic: 463 from several recipients at once means the account is
 * restricted, and hammering a restricted number is how it gets banned, so nothing is sent until the
 * cool-down ends or someone resumes. By hand: until someone resumes (stored by the caller, so it
 * survives restarts). The panel shows the hand's reason first.
 */
export class OutboxPause {
  private pausedUntil: number | null = null;
  private pausedFor: Described | null = null;
  private byHand: Described | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      session: OutboxSession;
      clock: Clock;
      logger: Logger;
      restrictedCooldownMs: number;
    },
    private readonly onEnd: () => void,
  ) {}

  /** Starts (or extends) the pause for a restricted account (463s from `recipients` within `minutes`). */
  begin(cause: { recipients: number; minutes: number }): string {
    const until = this.deps.clock.now() + this.deps.restrictedCooldownMs;
    const reason = described("paused_restricted", { ...cause, until: new Date(until).toISOString() });
    this.pausedUntil = until;
    this.pausedFor = reason;
    this.clearTimer();
    this.timer = setTimeout(() => this.end(), this.deps.restrictedCooldownMs);
    this.deps.logger.warn({ until: new Date(until).toISOString() }, reason.detail);
    this.publish();
    return reason.detail;
  }

  end(): void {
    this.clearTimer();
    if (this.pausedFor === null) return;
    this.pausedUntil = null;
    this.pausedFor = null;
    this.deps.logger.info("outbox resumed");
    this.publish();
    this.onEnd();
  }

  /** A person paused the outbox; `reason` is what the panel shows. */
  pauseByHand(reason: string): void {
    // the stored default is no reason of a person's: the panel says "paused by hand" in its language
    this.byHand = described("paused_by_hand", { reason: reason === DEFAULT_PAUSE_REASON ? null : reason });
    this.publish();
  }

  /** Ends both pauses: a person saying "go on" also means "I looked at the 463s". */
  resumeByHand(): void {
    const wasByHand = this.byHand !== null;
    this.byHand = null;
    this.publish();
    this.end();
    if (wasByHand) this.onEnd();
  }

  isByHand(): boolean {
    return this.byHand !== null;
  }

  /** When the pause ends, or null when not paused (a passed deadline ends it here). */
  until(): number | null {
    if (this.pausedUntil !== null && this.deps.clock.now() >= this.pausedUntil) this.end();
    return this.pausedUntil;
  }

  reason(): string | null {
    return this.described()?.detail ?? null;
  }

  /** The reason with its code: the hand's first. */
  described(): Described | null {
    return this.byHand ?? this.pausedFor;
  }

  dispose(): void {
    this.clearTimer();
  }

  private publish(): void {
    this.deps.session.setOutboxPaused(this.described());
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
