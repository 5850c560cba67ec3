import { adminProcedure } from "../../trpc/trpc.js";

export const getSettings = adminProcedure.query(({ ctx }) => ctx.kabar.settings.get());
