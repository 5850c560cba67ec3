import { router } from "../../trpc/trpc.js";
import { connectSession } from "./connect-session.js";
import { createSession } from "./create-session.js";
import { deleteSession } from "./delete-session.js";
import { disconnectSession } from "./disconnect-session.js";
import { getSession } from "./get-session.js";
import { getStatus } from "./get-status.js";
import { listSessions } from "./list-sessions.js";
import { logoutSession } from "./logout-session.js";
import { onStatusChange } from "./on-status-change.js";
import { refreshQr } from "./refresh-qr.js";
import { requestPairingCode } from "./request-pairing-code.js";
import { takeOverSession } from "./take-over-session.js";
import { updateSession } from "./update-session.js";

export const sessionRouter = router({
  list: listSessions,
  get: getSession,
  status: getStatus,
  create: createSession,
  update: updateSession,
  delete: deleteSession,
  connect: connectSession,
  disconnect: disconnectSession,
  logout: logoutSession,
  takeOver: takeOverSession,
  requestPairingCode,
  refreshQr,
  onStatusChange,
});
