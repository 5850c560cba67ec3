/**
 * Turns the session status into incidents: one `alert` event when a problem starts and one when it
 * clears, never one per flap. Independent channels, because they have independent causes: the
 * session (logged out, QR needed, banned, client too old, replaced, disconnected too long), the
 * outbox paused by a 463, the daily cap holding messages, and the credential storage (wa_sessions/
 * refusing writes).
 * While a channel's incident is open, its kind may change (logged out → waiting for a QR) without a
 * second alert: it is the same incident to the person reading the e-mail.
 */
import type { AlertKind, AlertRecord, SessionState, SessionStatus } from "../contract.js";
import type { PublishingEventBus } from "../events/event-bus.js";
import type { Clock } from "../outbox/outbox-context.js";
import type { SessionReasonCode } from "../schemas.js";
import type { SettingsStore } from "../settings/settings-service.js";

type Channel = "session" | "outbox" | "dailyCap" | "storage";

/** Session states that are an incident by themselves; a later QR or reconnect is the same incident. */
const SESSION_STATE_ALERTS: Readonly<Partial<Record<SessionState, AlertKind>>> = {
  logged_out: "logged_out",
  banned: "banned",
  client_too_old: "client_too_old",
  replaced: "replaced",
};

/**
 * What the admin did on purpose is no incident, nor is the QR they then asked for. Keyed on the
 * reason code, not the English text, which may carry a detail in brackets.
 */
const ADMIN_ACTIONS: ReadonlySet<SessionReasonCode> = new Set<SessionReasonCode>([
  "logged_out_by_admin",
  "disconnected_by_admin",
  "server_stopped",
]);

export interface AlertMonitor {
  /** Feeds a status; the session manager's onStatus calls this on every change. */
  observe(status: SessionStatus): void;
  /**
   * Follows message events for the daily cap, which holds messages one by one rather than pausing
   * the worker: the first hold opens the incident, the next message sent closes it.
   */
  observeMessage(message: { status: string; detail: string | null }): void;
  /** An alert of kind "test", published like a real one (webhooks) so the whole path can be tried. */
  test(): AlertRecord;
  open(): Partial<Record<Channel, AlertRecord>>;
  close(): void;
}

export function createAlertMonitor(deps: {
  events: PublishingEventBus;
  settings: Pick<SettingsStore, "current">;
  clock: Clock;
}): AlertMonitor {
  const open: Partial<Record<Channel, AlertRecord>> = {};
  let disconnectedTimer: NodeJS.Timeout | null = null;
  let latest: SessionStatus | null = null;
  /** Set by an admin's logout or disconnect, until the session is connected again. */
  let isAdminAction = false;

  function publish(alert: AlertRecord): AlertRecord {
    deps.events.publish({ type: "alert", alert });
    return alert;
  }

  function set(channel: Channel, problem: { kind: AlertKind; reason: string | null } | null): void {
    const current = open[channel];
    const at = new Date(deps.clock.now()).toISOString();
    if (problem && !current) {
      open[channel] = publish({ ...problem, phase: "raised", at });
    } else if (!problem && current) {
      delete open[channel];
      publish({ kind: current.kind, phase: "cleared", reason: current.reason, at });
    }
  }

  function stopDisconnectedTimer(): void {
    if (disconnectedTimer) clearTimeout(disconnectedTimer);
    disconnectedTimer = null;
  }

  function sessionProblem(status: SessionStatus): { kind: AlertKind; reason: string | null } | null {
    const state = status.state;
    const named = SESSION_STATE_ALERTS[state];
    if (named) return { kind: named, reason: status.reason ?? status.lastDisconnectReason };
    // a QR on the very first link is the admin at the panel; after a link it means the device is gone
    if (state === "waiting_qr" && status.lastConnectedAt !== null)
      return { kind: "qr_needed", reason: status.reason };
    return null;
  }

  return {
    observe(status) {
      latest = status;
      if (status.reasonCode !== null && ADMIN_ACTIONS.has(status.reasonCode)) isAdminAction = true;
      const problem = sessionProblem(status);
      if (status.state === "connected") {
        isAdminAction = false;
        stopDisconnectedTimer();
        set("session", null);
      } else if (isAdminAction) {
        stopDisconnectedTimer();
      } else if (problem) {
        stopDisconnectedTimer();
        set("session", problem);
      } else if (
        status.session !== null &&
        status.lastConnectedAt !== null &&
        !disconnectedTimer &&
        !open.session
      ) {
        // disconnected or reconnecting: an incident only if it lasts (a flapping socket is not one)
        disconnectedTimer = setTimeout(() => {
          disconnectedTimer = null;
          const now = latest;
          if (now && now.state !== "connected") {
            set("session", { kind: "disconnected", reason: now.lastDisconnectReason ?? now.reason });
          }
        }, deps.settings.current().alertDisconnectedMs);
        disconnectedTimer.unref();
      }
      set(
        "outbox",
        status.outboxPausedReason ? { kind: "outbox_paused", reason: status.outboxPausedReason } : null,
      );
      set(
        "storage",
        status.storageProblem ? { kind: "storage_problem", reason: status.storageProblem } : null,
      );
    },
    observeMessage(message) {
      if (message.detail?.startsWith("daily cap"))
        set("dailyCap", { kind: "outbox_paused", reason: message.detail });
      else if (message.status === "sent") set("dailyCap", null);
    },
    test() {
      return publish({
        kind: "test",
        phase: "raised",
        reason: null,
        at: new Date(deps.clock.now()).toISOString(),
      });
    },
    open: () => ({ ...open }),
    close: stopDisconnectedTimer,
  };
}
