import { readProcedure } from "../../trpc/trpc.js";

export const getOutboxState = readProcedure.query(({ ctx }) => ctx.kabar.outbox.state());
