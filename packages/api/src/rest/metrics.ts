/** Prometheus text exposition (format 0.0.4), written by hand: a handful of series needs no library. */
import { MESSAGE_STATUSES } from "@kabar/core/schemas";
import type { Kabar, SessionState } from "../kabar.js";

const SESSION_STATES: readonly SessionState[] = [
  "disconnected",
  "connecting",
  "waiting_qr",
  "waiting_pairing_code",
  "connected",
  "logged_out",
  "client_too_old",
  "banned",
  "replaced",
];

/** Milliseconds; a send is "fast" under a second and suspicious beyond 30 s (the ack timeout). */
const LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

export async function renderMetrics(kabar: Kabar): Promise<string> {
  const [health, counts] = await Promise.all([kabar.health(), kabar.messages.countByStatus()]);
  const stats = kabar.stats();
  const lines: string[] = [];
  const family = (name: string, type: string, help: string) =>
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  family("kabar_session_state", "gauge", "1 for the WhatsApp session's current state, 0 for the others.");
  for (const state of SESSION_STATES) {
    lines.push(`kabar_session_state{state="${state}"} ${health.session.state === state ? 1 : 0}`);
  }
  family("kabar_messages", "gauge", "Messages in the outbox by status.");
  for (const status of MESSAGE_STATUSES)
    lines.push(`kabar_messages{status="${status}"} ${counts[status] ?? 0}`);
  family("kabar_outbox_depth", "gauge", "Messages waiting to be sent.");
  lines.push(`kabar_outbox_depth ${health.outboxDepth}`);

  family("kabar_send_latency_ms", "histogram", "Time from a send attempt to the server's ack, in ms.");
  const samples = stats.sendLatencyMs;
  for (const bound of LATENCY_BUCKETS_MS) {
    lines.push(`kabar_send_latency_ms_bucket{le="${bound}"} ${samples.filter((ms) => ms <= bound).length}`);
  }
  lines.push(`kabar_send_latency_ms_bucket{le="+Inf"} ${samples.length}`);
  lines.push(`kabar_send_latency_ms_sum ${samples.reduce((sum, ms) => sum + ms, 0)}`);
  lines.push(`kabar_send_latency_ms_count ${samples.length}`);

  family("kabar_reconnects_total", "counter", "Reconnects of the WhatsApp socket since start.");
  lines.push(`kabar_reconnects_total ${stats.reconnects}`);
  family("kabar_last_disconnect_info", "gauge", "The reason of the last disconnect, as a label.");
  lines.push(`kabar_last_disconnect_info{reason="${label(stats.lastDisconnectReason ?? "none")}"} 1`);
  family(
    "kabar_credentials_writable",
    "gauge",
    "1 when wa_sessions/ takes the credential writes; 0 while they are held in memory.",
  );
  lines.push(`kabar_credentials_writable ${health.credentialsWritable ? 1 : 0}`);
  family(
    "kabar_wa_web_version_info",
    "gauge",
    "The WhatsApp Web version the socket announces and its source (env, live or bundled).",
  );
  if (health.waWebVersion) {
    const { version, source } = health.waWebVersion;
    lines.push(`kabar_wa_web_version_info{version="${label(version)}",source="${source}"} 1`);
  }
  family("kabar_database_up", "gauge", "1 when the database answers.");
  lines.push(`kabar_database_up ${health.database ? 1 : 0}`);
  return `${lines.join("\n")}\n`;
}
