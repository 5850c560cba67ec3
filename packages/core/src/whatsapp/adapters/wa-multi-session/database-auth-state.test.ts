/**
 * The auth state on the `WhatsAppCredential` table (PostgreSQL): writes land only under the lease's
 * current holder and token, a stale writer's are dropped and reported, and a database that cannot be
 * reached keeps the writes in memory until it can, as a full disk does for the folder.
 */
import {
  type CredentialFence,
  CredentialsFencedError,
  commitCredentials,
  createDatabase,
  migrateDatabase,
  type PrismaClient,
} from "@kabar/db";
import { type PostgresServer, startPostgres, writeLease } from "@kabar/db/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { useAuthState } from "./auth-state.js";
import { databaseAuthStorage, databaseStoreKey } from "./database-auth-state.js";

const SESSION_ID = "main_session";
let postgres: PostgresServer;
const clients: PrismaClient[] = [];
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterEach(async () => {
  for (const client of clients.splice(0)) await client.$disconnect();
});
afterAll(() => postgres?.stop());

async function migrated(url: string): Promise<PrismaClient> {
  await migrateDatabase(url);
  const db = createDatabase(url);
  clients.push(db);
  return db;
}

const lease = (db: PrismaClient, fence: CredentialFence) => writeLease(db, fence);

const names = async (db: PrismaClient) =>
  (await db.whatsAppCredential.findMany({ where: { sessionId: SESSION_ID }, select: { name: true } }))
    .map((row) => row.name)
    .sort();

it("lands a key-store set under the current token, and drops a stale writer's set whole, reporting it", async () => {
  const db = await migrated(await postgres.createDatabase());
  const nodeA = { nodeId: "node-a", token: 1 };
  const nodeB = { nodeId: "node-b", token: 2 };
  await lease(db, nodeA);
  const fencedA: Error[] = [];
  const a = await useAuthState(
    databaseAuthStorage({ db, fence: () => nodeA }, databaseStoreKey(), SESSION_ID),
    {
      onFenced: (error) => fencedA.push(error),
    },
  );
  await a.state.keys.set({ "pre-key": { "1": { public: Buffer.from("p1"), private: Buffer.from("s1") } } });
  await a.saveCreds();
  expect(await names(db)).toEqual(["creds.json", "pre-key-1.json"]);

  // node B takes the session over (token 2): node A still runs, and still tries to write
  await lease(db, nodeB);
  await a.state.keys.set({
    session: { "6281234567890.0": Buffer.from("stale") },
    "pre-key": { "1": null, "2": { public: Buffer.from("p2"), private: Buffer.from("s2") } },
  });
  expect(fencedA).toHaveLength(1);
  expect(fencedA[0]?.message).toContain("node-a");
  expect(fencedA[0]?.message).not.toContain("stale");
  // nothing of the set landed, not even the removal, and it is not served from memory either
  expect(await names(db)).toEqual(["creds.json", "pre-key-1.json"]);
  expect((await a.state.keys.get("session", ["6281234567890.0"]))["6281234567890.0"]).toBeNull();

  // the same statement under B's token lands
  const b = await useAuthState(
    databaseAuthStorage({ db, fence: () => nodeB }, databaseStoreKey(), SESSION_ID),
  );
  expect(b.state.creds.noiseKey).toEqual(a.state.creds.noiseKey);
  await b.state.keys.set({ session: { "6281234567890.0": Buffer.from("fresh") } });
  expect(await names(db)).toEqual(["creds.json", "pre-key-1.json", "session-6281234567890.0.json"]);
});

it("refuses every write while the node holds no lease, and a stale token at the statement itself", async () => {
  const db = await migrated(await postgres.createDatabase());
  await lease(db, { nodeId: "node-b", token: 2 });
  const write = new Map([["creds.json", "{}"]]);
  await expect(commitCredentials(db, SESSION_ID, write, () => null)).rejects.toBeInstanceOf(
    CredentialsFencedError,
  );
  await expect(
    commitCredentials(db, SESSION_ID, write, () => ({ nodeId: "node-b", token: 1 })),
  ).rejects.toBeInstanceOf(CredentialsFencedError);
  await expect(
    commitCredentials(db, SESSION_ID, write, () => ({ nodeId: "node-a", token: 2 })),
  ).rejects.toBeInstanceOf(CredentialsFencedError);
  expect(await names(db)).toEqual([]);
  await commitCredentials(db, SESSION_ID, write, () => ({ nodeId: "node-b", token: 2 }));
  expect(await names(db)).toEqual(["creds.json"]);
});

it("keeps writes in memory while the database cannot take them, and writes them once it can", async () => {
  const name = `kabar_late_${process.pid}`;
  const url = postgres.adminUrl.replace(/\/postgres$/, `/${name}`);
  // the database does not exist yet: every statement fails, as with a server that is down
  const db = createDatabase(url);
  clients.push(db);
  const problems: Error[] = [];
  let onRecovered = () => {};
  const recovered = new Promise<void>((resolve) => {
    onRecovered = resolve;
  });
  // Unreadable is not "no credentials": starting a new device would overwrite the linked one.
  await expect(useAuthState(databaseAuthStorage({ db }, databaseStoreKey(), SESSION_ID))).rejects.toThrow();
  const storage = databaseAuthStorage({ db }, databaseStoreKey(), SESSION_ID);
  const { state } = await useAuthState(
    { ...storage, read: async () => null },
    {
      onUnwritable: (error) => problems.push(error),
      onWritable: () => onRecovered(),
    },
  );
  await state.keys.set({ session: { "alice.0": Buffer.from("first") } });
  expect(problems).toHaveLength(1);
  expect(problems[0]?.message).toContain("refuses writes");
  expect(problems[0]?.message).not.toContain("first");
  expect((await state.keys.get("session", ["alice.0"]))["alice.0"]).toBeTruthy();

  await postgres.createDatabase(name);
  await migrated(url);
  await recovered;
  expect(await names(db)).toEqual(["session-alice.0.json"]);
}, 20_000);
