/**
 * @kabar/core: one WhatsApp number for an organisation's automated messages.
 * Build a Kabar with createKabar(options), or call the seed's library functions directly.
 */
export type * from "./contract.js";
export { type CreateKabarOptions, createKabar } from "./create-kabar.js";
export { defaultNodeId } from "./cluster/cluster-node.js";
export { DASHBOARD_DAYS, dayWindows } from "./dashboard/dashboard-days.js";
export * from "./errors.js";
export { BEFORE_FIRST_EVENT_ID, type EventBusOptions, InMemoryEventBus } from "./events/event-bus.js";
export { createSingleProcessChangeFeed } from "./events/change-feed.js";
export {
  closeWhatsApp,
  configureWhatsApp,
  getActiveSessionIds,
  getActiveWhatsAppSessions,
  getDefaultWhatsAppSession,
  getSessionStatus,
  initializeAllSessions,
  isSessionConnected,
  readLibraryEnv,
  sendWhatsAppMessage,
  sendWhatsAppMessageWithSession,
  startWhatsAppSession,
  type WhatsAppSendResult,
} from "./library.js";
export { type CsvLimits, DEFAULT_CSV_LIMITS } from "./broadcasts/csv-reader.js";
export { FEED_WINDOW } from "./broadcasts/broadcast-feeder.js";
export { PHONE_COLUMN_NAMES } from "./broadcasts/template.js";
export { MEDIA_LIMITS, mimeTypeFromName } from "./outbox/read-media.js";
export { type LatencyHistogram, SEND_LATENCY_BUCKETS_MS } from "./outbox/send-latency.js";
export {
  assertSupportedCountry,
  DEFAULT_COUNTRY,
  normalizePhoneNumber,
  phoneSearchDigits,
} from "./phone/normalize-phone-number.js";
export * from "./schemas.js";
/** The status before anything happened: what fakes and a fresh process start from. */
export { initialStatus } from "./session/session-status-store.js";
export { waWebVersionText } from "./session/wa-web-version.js";
export { DEFAULT_SETTINGS } from "./settings/settings-service.js";
export {
  dayKeyIn,
  isKnownTimeZone,
  startOfDayIn,
  startOfNextDayIn,
  zonedTimeToInstant,
} from "./settings/time-zone.js";
export { installProcessGuards } from "./whatsapp/adapters/wa-multi-session/process-guards.js";
export { isPublicAddress } from "./network/public-address.js";
