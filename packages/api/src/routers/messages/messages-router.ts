import { router } from "../../trpc/trpc.js";
import { cancelMessage } from "./cancel-message.js";
import { getMessage } from "./get-message.js";
import { listInboundMessages } from "./list-inbound-messages.js";
import { listMessages } from "./list-messages.js";
import { onMessageStatus } from "./on-message-status.js";
import { resendMessage } from "./resend-message.js";
import { sendMedia } from "./send-media.js";
import { sendMessage } from "./send-message.js";

export const messagesRouter = router({
  send: sendMessage,
  sendMedia,
  list: listMessages,
  inbound: listInboundMessages,
  get: getMessage,
  resend: resendMessage,
  cancel: cancelMessage,
  onStatus: onMessageStatus,
});
