import { authedProcedure } from "../../trpc/trpc.js";

export const getSettings = authedProcedure.query(({ ctx }) => ctx.kabar.settings.get());
