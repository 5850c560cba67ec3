import { TRPCError } from "@trpc/server";
import { adminProcedure, router } from "../../trpc/trpc.js";

export const alertsRouter = router({
  /** Incidents open now, and where e-mails go (never the SMTP credentials). */
  status: adminProcedure.query(({ ctx }) => ({
    open: ctx.kabar.alerts.open(),
    email: ctx.alertMailer?.describe() ?? null,
  })),
  /**
   * The panel's "send test alert": a webhook event `alert` of kind "test", and an e-mail whose
   * outcome is answered here, so a wrong SMTP setting shows at once instead of during an incident.
   */
  sendTest: adminProcedure.mutation(async ({ ctx }) => {
    const alert = ctx.kabar.alerts.test();
    if (!ctx.alertMailer) return { alert, emailed: false, email: null };
    try {
      await ctx.alertMailer.send(alert);
    } catch (error) {
      throw new TRPCError({
        code: "BAD_GATEWAY",
        message: error instanceof Error ? error.message : "could not send the alert e-mail",
      });
    }
    return { alert, emailed: true, email: ctx.alertMailer.describe() };
  }),
});
