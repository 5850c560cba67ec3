import { sendProcedure } from "../../trpc/trpc.js";

/** Ends the pause by hand and an account-level 463 pause. */
export const resumeOutbox = sendProcedure.mutation(({ ctx }) => ctx.kabar.outbox.resume());
