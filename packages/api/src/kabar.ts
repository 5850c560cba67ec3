/** The API's one door to core's contract and to the database types. */
export type {
  AlertKind,
  AlertRecord,
  BroadcastCreated,
  BroadcastService,
  CoreEvent,
  EventBus,
  HealthReport,
  InboundMessageRecord,
  Kabar,
  KabarOptions,
  MessageRecord,
  SendResult,
  SessionRecord,
  SessionState,
  SessionStatus,
  ResyncEvent,
  Settings,
  TrackedEvent,
} from "@kabar/core";
export {
  BEFORE_FIRST_EVENT_ID,
  BroadcastNotFoundError,
  createKabar,
  DEFAULT_CSV_LIMITS,
  UploadTooLargeError,
  installProcessGuards,
  KabarError,
  type KabarErrorCode,
  InvalidInputError,
  MessageNotFoundError,
} from "@kabar/core";
export type { Prisma, PrismaClient } from "@kabar/db";
