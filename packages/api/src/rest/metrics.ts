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

/** Escapes a label value (the version comes from the environment or the network). */
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

  // Cumulative since start (core's histogram), so count and sum only grow and rate() works.
  family("kabar_send_latency_ms", "histogram", "Time from a send attempt to the server's ack, in ms.");
  const latency = stats.sendLatency;
  for (const bucket of latency.buckets) {
    lines.push(`kabar_send_latency_ms_bucket{le="${bucket.le}"} ${bucket.count}`);
  }
  lines.push(`kabar_send_latency_ms_bucket{le="+Inf"} ${latency.count}`);
  lines.push(`kabar_send_latency_ms_sum ${latency.sum}`);
  lines.push(`kabar_send_latency_ms_count ${latency.count}`);

  family("kabar_reconnects_total", "counter", "Reconnects of the WhatsApp socket since start.");
  lines.push(`kabar_reconnects_total ${stats.reconnects}`);
  // A code from a fixed set, never WhatsApp's free text: label values must stay few and stable.
  family(
    "kabar_last_disconnect_info",
    "gauge",
    "The last disconnect as a code (connection_closed, connection_lost, logged_out, ...; none), as a label.",
  );
  lines.push(`kabar_last_disconnect_info{reason="${stats.lastDisconnectCode ?? "none"}"} 1`);
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
  // The node id is validated at start (CLUSTER_NODE_ID_PATTERN): no free text reaches a label.
  const cluster = kabar.cluster();
  family("kabar_node_info", "gauge", "This node's id and mode (single on SQLite, cluster on PostgreSQL).");
  lines.push(`kabar_node_info{node="${label(cluster.nodeId)}",mode="${cluster.mode}"} 1`);
  family("kabar_session_owner", "gauge", "1 on the node that holds the WhatsApp session, 0 on the others.");
  lines.push(`kabar_session_owner ${cluster.isOwner ? 1 : 0}`);
  family("kabar_database_up", "gauge", "1 when the database answers.");
  lines.push(`kabar_database_up ${health.database ? 1 : 0}`);
  return `${lines.join("\n")}\n`;
}
