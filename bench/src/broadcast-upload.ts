/**
 * (8) Broadcast uploads against the server as its own process: a 2,000-row CSV to a ready broadcast
 * (the 201 of `POST /api/broadcasts`: every row validated and stored), and a 50,000-row CSV with the
 * server's RSS sampled every 20 ms during the upload. The upload is streamed end to end, so the RSS
 * growth should not depend on the list's size.
 */
import { startChildOutbox } from "@kabar/system-tests";
import { median } from "./stats.js";

export interface BroadcastUploadResult {
  rows2000: { samplesMs: number[]; medianMs: number };
  rows50000: { ms: number; bytes: number; rssBeforeMb: number; rssPeakMb: number; rssGrowthMb: number };
}

const MB = 1_048_576;

/** Distinct valid Indonesian mobile numbers with a name and a BIB, `;` separated like Excel (id). */
export function participantList(rows: number): string {
  const lines = ["nama;No. HP;bib;kategori"];
  for (let index = 0; index < rows; index += 1) {
    lines.push(`Peserta ${index};0812${String(10_000_000 + index).slice(-8)};B${index};10K`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

async function upload(url: string, token: string, csv: string): Promise<{ ms: number; rows: number }> {
  const body = new FormData();
  body.append("name", "bench");
  body.append("template", "Halo {nama}, BIB kamu {bib} untuk {kategori}.");
  body.append("csv", new Blob([csv], { type: "text/csv" }), "peserta.csv");
  const started = performance.now();
  const response = await fetch(`${url}/api/broadcasts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body,
  });
  const answer = (await response.json()) as { rows?: number; error?: { message: string } };
  const ms = performance.now() - started;
  if (response.status !== 201)
    throw new Error(`upload answered ${response.status}: ${answer.error?.message}`);
  return { ms, rows: answer.rows ?? 0 };
}

export async function benchBroadcastUpload(options: {
  log: (line: string) => void;
  repeats: number;
}): Promise<BroadcastUploadResult> {
  const harness = await startChildOutbox();
  try {
    const { server } = harness;
    // a first small upload loads the code paths, so the figures below are not first-call costs
    await upload(server.url, server.token, participantList(50));
    const small = participantList(2_000);
    const samplesMs: number[] = [];
    for (let run = 0; run < options.repeats; run += 1) {
      const { ms, rows } = await upload(server.url, server.token, small);
      if (rows !== 2_000) throw new Error(`2,000-row upload read ${rows} rows`);
      samplesMs.push(Math.round(ms));
    }
    options.log(`broadcast upload, 2,000 rows: ${samplesMs.join(", ")} ms`);

    const large = participantList(50_000);
    const rssBefore = server.rssBytes();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, server.rssBytes());
    }, 20);
    let result: { ms: number; rows: number };
    try {
      result = await upload(server.url, server.token, large);
    } finally {
      clearInterval(sampler);
    }
    rssPeak = Math.max(rssPeak, server.rssBytes());
    if (result.rows !== 50_000) throw new Error(`50,000-row upload read ${result.rows} rows`);
    const rows50000 = {
      ms: Math.round(result.ms),
      bytes: Buffer.byteLength(large),
      rssBeforeMb: Math.round(rssBefore / MB),
      rssPeakMb: Math.round(rssPeak / MB),
      rssGrowthMb: Math.round((rssPeak - rssBefore) / MB),
    };
    options.log(
      `broadcast upload, 50,000 rows (${(rows50000.bytes / MB).toFixed(1)} MB): ${rows50000.ms} ms, RSS ${rows50000.rssBeforeMb} → peak ${rows50000.rssPeakMb} MB`,
    );
    return { rows2000: { samplesMs, medianMs: Math.round(median(samplesMs)) }, rows50000 };
  } finally {
    await harness.close();
  }
}
