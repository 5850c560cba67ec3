/**
 * The lifecycle every two-node test file shares (exported as @kabar/core/cluster-testing/vitest): one
 * PostgreSQL server for the file, a fresh migrated database and two nodes per test, everything closed
 * after each test.
 */
import type { PostgresServer } from "@kabar/db/testing";
import { startPostgres } from "@kabar/db/testing";
import { afterAll, afterEach, beforeAll } from "vitest";
import { freshDatabase, startNode, type TestNode } from "./cluster-nodes.js";

export interface TwoNodesPerTest {
  /** The file's server (to terminate a node's backends, say). */
  server(): PostgresServer;
  /** Nodes "a" and "b" on a new database, closed after the test. */
  twoNodes(): Promise<[TestNode, TestNode]>;
  /** Runs after the test, before the nodes close (in reverse order of registration). */
  afterTest(cleanup: () => Promise<void>): void;
}

export function twoNodesPerTest(): TwoNodesPerTest {
  let server: PostgresServer | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(() => server?.stop());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const started = (): PostgresServer => {
    if (!server) throw new Error("the PostgreSQL server starts in beforeAll");
    return server;
  };
  return {
    server: started,
    async twoNodes() {
      const url = await freshDatabase(started());
      const a = await startNode(url, "a");
      const b = await startNode(url, "b");
      cleanups.unshift(
        () => b.close(),
        () => a.close(),
      );
      return [a, b];
    },
    afterTest(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
