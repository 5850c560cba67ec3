/** The API's one door to core's contract and to the database types. */
export type {
  AlertKind,
  AlertRecord,
  CoreEvent,
  DashboardStats,
  EventBus,
  HealthReport,
  InboundMessageRecord,
  Kabar,
  KabarOptions,
  MediaInput,
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
  createKabar,
  installProcessGuards,
  KabarError,
  type KabarErrorCode,
  InvalidInputError,
  MessageNotFoundError,
  mimeTypeFromName,
} from "@kabar/core";
export type { Prisma, PrismaClient } from "@kabar/db";
