import { authedProcedure } from "../../trpc/trpc.js";

export const getOutboxState = authedProcedure.query(({ ctx }) => ctx.kabar.outbox.state());
