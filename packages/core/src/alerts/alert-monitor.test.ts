import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AlertRecord, SessionStatus } from "../contract.js";
import { InMemoryEventBus } from "../events/event-bus.js";
import { REASONS } from "../session/connection-supervisor.js";
import { initialStatus } from "../session/session-status-store.js";
import { DEFAULT_SETTINGS } from "../settings/settings-service.js";
import { createAlertMonitor } from "./alert-monitor.js";

const SESSION = {
  id: "s1",
  name: "Panitia Lari",
  sessionId: "panitia_lari",
  phoneNumber: null,
  description: null,
  isActive: true,
  isDefault: true,
  createdAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:00:00.000Z",
};

function setup() {
  const events = new InMemoryEventBus();
  const alerts: string[] = [];
  events.on(({ event }) => {
    if (event.type === "alert") alerts.push(describeAlert(event.alert));
  });
  const monitor = createAlertMonitor({
    events,
    settings: { current: () => ({ ...DEFAULT_SETTINGS, alertDisconnectedMs: 300_000 }) },
    clock: { now: () => Date.now() },
  });
  let status: SessionStatus = { ...initialStatus(), session: SESSION };
  const observe = (patch: Partial<SessionStatus>) => {
    status = { ...status, ...patch };
    monitor.observe(status);
  };
  return { monitor, alerts, observe };
}

function describeAlert(alert: AlertRecord): string {
  return `${alert.kind}:${alert.phase}${alert.reason ? `:${alert.reason}` : ""}`;
}

describe("alert monitor", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a first link's QR is no incident; disconnected under the setting is none; over it, one, and one when back", () => {
    const { alerts, observe, monitor } = setup();
    observe({ state: "waiting_qr" });
    observe({ state: "connected", lastConnectedAt: "2026-12-02T00:00:00.000Z" });
    observe({ state: "disconnected", lastDisconnectReason: "socket closed" });
    vi.advanceTimersByTime(299_000);
    observe({ state: "connected" });
    vi.advanceTimersByTime(600_000);
    expect(alerts).toEqual([]);

    observe({ state: "disconnected" });
    observe({ state: "connecting" });
    vi.advanceTimersByTime(300_000);
    observe({ state: "disconnected" });
    vi.advanceTimersByTime(600_000);
    observe({ state: "connected" });
    expect(alerts).toEqual(["disconnected:raised:socket closed", "disconnected:cleared:socket closed"]);
    monitor.close();
  });

  it("banned, client_too_old and replaced are each an incident; a later QR or reconnect is the same one", () => {
    const { alerts, observe } = setup();
    observe({ state: "connected", lastConnectedAt: "2026-12-02T00:00:00.000Z" });
    observe({ state: "banned", reasonCode: "banned", reason: "account banned" });
    observe({ state: "waiting_qr", reasonCode: "scan_qr", reason: null });
    observe({ state: "connected", reasonCode: "connected" });
    observe({ state: "client_too_old", reasonCode: "client_too_old_retrying", reason: "405" });
    observe({ state: "connecting", reasonCode: "retrying_fresh_version", reason: "retrying" });
    observe({ state: "connected", reasonCode: "connected" });
    observe({ state: "replaced", reasonCode: "replaced", reason: REASONS.replaced });
    observe({ state: "connecting", reasonCode: "taking_over", reason: REASONS.taking_over });
    observe({ state: "connected", reasonCode: "connected" });
    expect(alerts).toEqual([
      "banned:raised:account banned",
      "banned:cleared:account banned",
      "client_too_old:raised:405",
      "client_too_old:cleared:405",
      `replaced:raised:${REASONS.replaced}`,
      `replaced:cleared:${REASONS.replaced}`,
    ]);
  });

  it("a QR needed after a link, the outbox paused and wa_sessions/ refusing writes each open one incident", () => {
    const { alerts, observe, monitor } = setup();
    observe({ state: "connected", lastConnectedAt: "2026-12-02T00:00:00.000Z" });
    observe({ outboxPausedReason: "463 restricted" });
    observe({ outboxPausedReason: "463 restricted" });
    observe({ storageProblem: "EACCES wa_sessions/panitia_lari" });
    observe({ state: "waiting_qr", reason: "QR needed" });
    observe({ outboxPausedReason: null, storageProblem: null });
    expect(alerts).toEqual([
      "outbox_paused:raised:463 restricted",
      "storage_problem:raised:EACCES wa_sessions/panitia_lari",
      "qr_needed:raised:QR needed",
      "outbox_paused:cleared:463 restricted",
      "storage_problem:cleared:EACCES wa_sessions/panitia_lari",
    ]);
    expect(monitor.open()).toMatchObject({ session: { kind: "qr_needed" } });
  });

  it("the admin's own logout or disconnect, and the QR they then ask for, are no incident", () => {
    const { alerts, observe } = setup();
    observe({ state: "connected", lastConnectedAt: "2026-12-02T00:00:00.000Z" });
    observe({ state: "logged_out", reasonCode: "logged_out_by_admin", reason: REASONS.logged_out_by_admin });
    observe({ state: "waiting_qr", reasonCode: "scan_qr", reason: null });
    observe({ state: "connected", reasonCode: "connected" });
    observe({
      state: "disconnected",
      reasonCode: "disconnected_by_admin",
      reason: REASONS.disconnected_by_admin,
    });
    vi.advanceTimersByTime(3_600_000);
    expect(alerts).toEqual([]);
    observe({ state: "connected", reasonCode: "connected" });
    observe({ state: "logged_out", reasonCode: "logged_out_on_phone", reason: REASONS.logged_out_on_phone });
    expect(alerts).toEqual([`logged_out:raised:${REASONS.logged_out_on_phone}`]);
  });

  it("the daily cap holding messages is one incident, cleared by the next message sent", () => {
    const { alerts, monitor } = setup();
    const detail = "daily cap of 2 messages reached; waits until 2026-12-03T00:00:00.000Z";
    monitor.observeMessage({ status: "queued", detail: null });
    monitor.observeMessage({ status: "sent", detail: null });
    monitor.observeMessage({ status: "queued", detail });
    monitor.observeMessage({ status: "queued", detail });
    monitor.observeMessage({ status: "sent", detail: null });
    expect(alerts).toEqual([`outbox_paused:raised:${detail}`, `outbox_paused:cleared:${detail}`]);
  });
});
