import { settingsInput } from "@kabar/core/schemas";
import { adminProcedure } from "../../trpc/trpc.js";

export const updateSettings = adminProcedure
  .input(settingsInput)
  .mutation(({ ctx, input }) => ctx.kabar.settings.update(input));
