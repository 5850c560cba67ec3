import { router } from "../../trpc/trpc.js";
import { getOutboxState } from "./get-outbox-state.js";
import { pauseOutbox } from "./pause-outbox.js";
import { resumeOutbox } from "./resume-outbox.js";

export const outboxRouter = router({
  state: getOutboxState,
  pause: pauseOutbox,
  resume: resumeOutbox,
});
