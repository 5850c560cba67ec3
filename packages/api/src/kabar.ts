/**
 * The API's one door to core's contract. @kabar/core has no index yet (createKabar lands later
 * today), so the types come straight from its committed contract; when the index lands this file
 * becomes a re-export of "@kabar/core" and nothing else changes.
 */
export type {
  CoreEvent,
  EventBus,
  HealthReport,
  Kabar,
  KabarOptions,
  MessageRecord,
  SendResult,
  SessionRecord,
  SessionState,
  SessionStatus,
  Settings,
  TrackedEvent,
} from "../../core/src/contract.js";
export { KabarError, type KabarErrorCode, MessageNotFoundError } from "../../core/src/errors.js";
export type { Prisma, PrismaClient } from "@kabar/db";
