/**
 * `@kabar/api/testing`: a live Kabar server for other packages' tests (e.g. an internal app's),
 * on a free port with its own temp database, and an API token ready to use.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, migrateDatabase } from "@kabar/db";
import { readEnv } from "../env.js";
import type { Kabar } from "../kabar.js";
import { createLogger } from "../logger.js";
import { createServer } from "../server.js";
import { FakeKabar } from "./fake-kabar.js";

export { FakeKabar };

export interface TestServer<K extends Kabar> {
  url: string;
  /** An API token (Bearer) created for this server. */
  token: string;
  kabar: K;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer<FakeKabar>>;
export async function startTestServer<K extends Kabar>(options: { kabar: K }): Promise<TestServer<K>>;
export async function startTestServer(options: { kabar?: Kabar } = {}): Promise<TestServer<Kabar>> {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-test-server-"));
  const databaseUrl = `file:${path.join(dir, "kabar.db")}`;
  await migrateDatabase(databaseUrl);
  const env = readEnv({
    LOG_LEVEL: "silent",
    DATABASE_URL: databaseUrl,
    WA_SESSIONS_DIR: path.join(dir, "wa_sessions"),
    ADMIN_DIST_DIR: path.join(dir, "admin-dist"),
  });
  const db = createDatabase(databaseUrl);
  const kabar = options.kabar ?? new FakeKabar();
  const server = createServer({ kabar, db, env, logger: createLogger(env) });
  const { url } = await server.listen(0, "127.0.0.1");
  const { token } = await server.deps.auth.createToken("test");
  return {
    url,
    token,
    kabar,
    async close() {
      await server.close();
      await kabar.close();
      await db.$disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
