import { router } from "../../trpc/trpc.js";
import { clearOnWhatsAppAnswer } from "./clear-on-whatsapp-answer.js";
import { listOnWhatsAppAnswers } from "./list-on-whatsapp-answers.js";

export const onWhatsAppRouter = router({
  list: listOnWhatsAppAnswers,
  clear: clearOnWhatsAppAnswer,
});
