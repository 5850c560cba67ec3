import type { ClusterInfo } from "../kabar.js";
import { publicProcedure } from "../trpc/trpc.js";

/** Which node holds the session and since when: node names only, no lease internals. */
function clusterHealth(cluster: ClusterInfo) {
  return {
    mode: cluster.mode,
    nodeId: cluster.nodeId,
    isOwner: cluster.isOwner,
    ownerNodeId: cluster.ownerNodeId,
    ownerSince: cluster.ownerSince?.toISOString() ?? null,
  };
}

/**
 * Public on purpose (like GET /health): the panel needs it before login to know whether to show
 * first-run setup and the simulated-WhatsApp banner. It holds no secret.
 */
export const getHealth = publicProcedure.query(async ({ ctx }) => ({
  ...(await ctx.kabar.health()),
  process: { uptimeSeconds: Math.round(process.uptime()) },
  cluster: clusterHealth(ctx.kabar.cluster()),
  needsSetup: await ctx.auth.needsSetup(),
  simulated: ctx.meta.simulated,
  simulatorControlUrl: ctx.meta.simulatorControlUrl,
}));
