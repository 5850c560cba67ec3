import { router } from "../../trpc/trpc.js";
import { getSettings } from "./get-settings.js";
import { updateSettings } from "./update-settings.js";

export const settingsRouter = router({ get: getSettings, update: updateSettings });
