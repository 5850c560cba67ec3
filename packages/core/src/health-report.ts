/** kabar.health(): "ok" means the service can accept messages; a disconnected session only delays them. */
import type { PrismaClient } from "@kabar/db";
import type { HealthReport, SessionStatus } from "./contract.js";

export async function healthReport(deps: {
  db: PrismaClient;
  status(): SessionStatus;
  depth(): Promise<number>;
}): Promise<HealthReport> {
  const database = await deps.db
    .$queryRawUnsafe("SELECT 1")
    .then(() => true)
    .catch(() => false);
  const status = deps.status();
  return {
    ok: database,
    database,
    session: { state: status.state, reason: status.reason },
    outboxDepth: database ? await deps.depth() : -1,
    credentialsWritable: status.storageProblem === null,
    storageProblem: status.storageProblem,
    waWebVersion: status.waWebVersion,
  };
}
