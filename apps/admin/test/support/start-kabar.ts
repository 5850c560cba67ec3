import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const adminDir = path.resolve(import.meta.dirname, "..", "..");
const apiDir = path.resolve(adminDir, "..", "..", "packages", "api");

export interface RunningKabar {
  url: string;
  simulatorControlUrl: string;
  adminPassword: string;
  /** Everything the server printed, for a failure message. */
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** Resolves once the server answers /health (any status: 503 only means WhatsApp is not linked yet). */
async function waitUntilUp(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(`${url}/health`);
      return;
    } catch {
      // Not listening yet: wait for the next line it prints (or a short beat) and ask again.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          child.stdout?.off("data", done);
          resolve();
        };
        const timer = setTimeout(done, 150);
        child.stdout?.once("data", done);
      });
    }
  }
  throw new Error(`the API did not answer ${url}/health within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts the real server in simulated-WhatsApp mode (`start:simulated`) as a child process, with its own
 * database, credentials folder and free ports, serving the panel from apps/admin/dist.
 */
export async function startKabar(): Promise<RunningKabar> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "kabar-admin-e2e-"));
  const [port, simulatorPort] = [await freePort(), await freePort()];
  const adminPassword = "rahasia-e2e-123";
  let printed = "";
  const child = spawn(path.join(apiDir, "node_modules", ".bin", "tsx"), ["dev/main-simulated.ts"], {
    cwd: apiDir,
    // Its own process group, so stop() ends tsx and the node process it starts together.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      SIMULATOR_PORT: String(simulatorPort),
      DATABASE_URL: `file:${path.join(dataDir, "kabar.db")}`,
      WA_SESSIONS_DIR: path.join(dataDir, "wa_sessions"),
      ADMIN_PASSWORD: adminPassword,
      ADMIN_DIST_DIR: path.join(adminDir, "dist"),
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
  });
  child.stdout.on("data", (chunk: Buffer) => {
    printed += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const output = () => printed.slice(-8000);

  async function stop() {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      const forced = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
      }, 5000);
      await exited;
      clearTimeout(forced);
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, child, output, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, simulatorControlUrl: `http://127.0.0.1:${simulatorPort}`, adminPassword, output, stop };
}
