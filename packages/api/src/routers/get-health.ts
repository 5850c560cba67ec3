import { publicProcedure } from "../trpc/trpc.js";

/**
 * Public on purpose (like GET /health): the panel needs it before login to know whether to show
 * first-run setup and the simulated-WhatsApp banner. It holds no secret.
 */
export const getHealth = publicProcedure.query(async ({ ctx }) => ({
  ...(await ctx.kabar.health()),
  process: { uptimeSeconds: Math.round(process.uptime()) },
  needsSetup: await ctx.auth.needsSetup(),
  simulated: ctx.meta.simulated,
  simulatorControlUrl: ctx.meta.simulatorControlUrl,
}));
