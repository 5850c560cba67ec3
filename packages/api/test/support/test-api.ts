/** Each test gets its own temp folder, migrated SQLite file, fake (or real) Kabar and server on port 0. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { isTrackedEnvelope } from "@trpc/server";
import { createDatabase, migrateDatabase, type PrismaClient } from "@kabar/db";
import type { TokenScope } from "../../src/auth/access.js";
import type { Principal } from "../../src/auth/auth-service.js";
import { testEnv } from "../../src/env.js";
import type { Kabar } from "../../src/kabar.js";
import { createLogger } from "../../src/logger.js";
import { createCaller } from "../../src/rest/caller.js";
import { createServer } from "../../src/server.js";
import { createContextInner, type ServerMeta } from "../../src/trpc/context.js";
import { FakeKabar } from "../../src/testing/fake-kabar.js";

export const ADMIN_PASSWORD = "correct horse battery staple";

export interface TestApiOptions<K extends Kabar> {
  /** A Kabar, or a factory given this test's database and credentials folder (for createKabar). */
  kabar?: K | ((paths: { databaseUrl: string; sessionsDir: string; db: PrismaClient }) => Promise<K>);
  env?: Parameters<typeof testEnv>[0];
  meta?: ServerMeta;
}

export async function createTestApi<K extends Kabar = FakeKabar>(options: TestApiOptions<K> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), "kabar-api-"));
  const file = path.join(dir, "kabar.db");
  await migrateDatabase(`file:${file}`);
  const env = testEnv({
    DATABASE_URL: `file:${file}`,
    WA_SESSIONS_DIR: path.join(dir, "wa_sessions"),
    ADMIN_DIST_DIR: path.join(dir, "admin-dist"),
    ADMIN_PASSWORD,
    ...options.env,
  });
  const db = createDatabase(env.DATABASE_URL);
  const kabar =
    typeof options.kabar === "function"
      ? await options.kabar({ databaseUrl: env.DATABASE_URL, sessionsDir: env.WA_SESSIONS_DIR, db })
      : (options.kabar ?? new FakeKabar());
  const server = createServer({
    kabar,
    db,
    env,
    logger: createLogger(env),
    passwordHashing: { memoryCost: 1024, timeCost: 1 },
    ...(options.meta ? { meta: options.meta } : {}),
  });
  await server.deps.auth.ensureInitialAdmin(env.ADMIN_PASSWORD);
  const headers = new Map<string, string>();
  let baseUrl: string | null = null;

  return {
    dir,
    db,
    env,
    kabar: kabar as K,
    server,
    deps: server.deps,
    /** Headers procedures set (Set-Cookie, Retry-After), as a browser would see them. */
    headers,
    caller(
      principal: Principal | null,
      extra: { adminCookie?: string; clientIp?: string; signal?: AbortSignal } = {},
    ) {
      const { signal, ...request } = extra;
      return createCaller(
        createContextInner(server.deps, {
          principal,
          ...request,
          response: { setHeader: (name, value) => headers.set(name.toLowerCase(), value) },
        }),
        signal ? { signal } : {},
      );
    },
    admin(signal?: AbortSignal) {
      return this.caller(
        { kind: "admin", userId: "test-admin", username: "admin" },
        signal ? { signal } : {},
      );
    },
    /** An API token's caller; scope send unless a test needs another. */
    app(signal?: AbortSignal, scope: TokenScope = "send") {
      return this.caller(
        { kind: "token", tokenId: "test-token", name: "test app", scope },
        signal ? { signal } : {},
      );
    },
    anonymous() {
      return this.caller(null);
    },
    async listen(): Promise<string> {
      baseUrl ??= (await server.listen(0, "127.0.0.1")).url;
      return baseUrl;
    },
    async cleanup() {
      if (baseUrl) await server.close();
      await kabar.close();
      await db.$disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type TestApi<K extends Kabar = FakeKabar> = Awaited<ReturnType<typeof createTestApi<K>>>;

/** The caller's types promise { id, data }; at run time it yields tRPC's envelope tuple. Accept both. */
export function untrack<V extends { id: string; data: unknown }>(value: V): { id: string; data: V["data"] } {
  const raw: unknown = value;
  if (isTrackedEnvelope<V["data"]>(raw)) return { id: raw[0], data: raw[1] };
  return value;
}
