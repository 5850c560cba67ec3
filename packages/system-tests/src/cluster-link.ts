/**
 * The start every cluster scenario shares: PostgreSQL, the simulator, the first node; pacing off (a
 * setting in the shared database, so before the other nodes load it); the other nodes; then the
 * session linked through the first node's panel API (tRPC, as the panel links it), and the node
 * that owns it once every node agrees.
 */
import { linkThroughClient } from "@kabar/api/testing";
import { type Cluster, type ClusterOptions, startCluster } from "./cluster.js";
import { NO_PACING } from "./simulated-kabar.js";

export interface LinkedCluster {
  cluster: Cluster;
  /** The node that holds the session after linking, and the others. */
  ownerId: string;
  followerIds: string[];
}

export async function startLinkedCluster(
  nodeIds: readonly string[],
  options: ClusterOptions = {},
): Promise<LinkedCluster> {
  const [firstId, ...restIds] = nodeIds;
  if (!firstId) throw new Error("a cluster needs at least one node");
  const cluster = await startCluster(options);
  try {
    await cluster.start(firstId);
    const first = await cluster.client(firstId);
    await first.settings.update.mutate(NO_PACING);
    for (const id of restIds) await cluster.start(id);
    await linkThroughClient(first, (qr) => cluster.simulator.phone.scan(qr));
    const { ownerNodeId } = await cluster.waitForOwner(
      firstId,
      (view) => view.mode === "cluster" && view.ownerNodeId !== null,
    );
    const ownerId = ownerNodeId ?? "";
    // every node must agree before a scenario starts
    for (const id of nodeIds) await cluster.waitForOwner(id, (view) => view.ownerNodeId === ownerId);
    return { cluster, ownerId, followerIds: nodeIds.filter((id) => id !== ownerId) };
  } catch (error) {
    await cluster.close();
    throw error;
  }
}
