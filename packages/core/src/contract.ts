/**
 * What core offers the API and the seed's library functions. Interfaces only: the
 * implementations live beside their use cases, and no Baileys or Prisma type appears here.
 * All times are ISO-8601 strings so every edge (tRPC, REST, SSE) serialises them the same way.
 */
import type { DetailCode, DetailParams } from "./outbox/detail-codes.js";
import type {
  AutoReplyInput,
  BroadcastIdInput,
  BroadcastRowStatus,
  BroadcastStatus,
  CreateBroadcastInput,
  PreviewBroadcastInput,
  ScheduleBroadcastInput,
  AutoReplyKeywordInput,
  ConnectSessionInput,
  ContactInput,
  InboxThreadInput,
  CreateSessionInput,
  ListInboundInput,
  ListMessagesInput,
  MessageStatus,
  OnWhatsAppNumberInput,
  PauseOutboxInput,
  SendMessageInput,
  SessionReasonCode,
  SettingsInput,
  UpdateSessionInput,
} from "./schemas.js";
import type { LatencyHistogram } from "./outbox/send-latency.js";
import type { DisconnectKind } from "./whatsapp/port.js";

export type SessionState =
  | "disconnected"
  | "connecting"
  | "waiting_qr"
  | "waiting_pairing_code"
  | "connected"
  | "logged_out"
  /** WhatsApp refused the announced client version (405); retried slowly, WA_WEB_VERSION fixes it. */
  | "client_too_old"
  /** WhatsApp refused the account (403: banned or locked); no automatic retries. */
  | "banned"
  /** Another client logged in as this device (440); no automatic fight, "use this server" takes it back. */
  | "replaced";

/** The WhatsApp Web version the socket announces and where it came from. */
export interface WaWebVersionInUse {
  /** e.g. "2.3000.1030000000" */
  version: string;
  /** `env`: WA_WEB_VERSION; `live`: read from the sw.js page; `bundled`: the library's own. */
  source: "env" | "live" | "bundled";
}

export interface SessionRecord {
  id: string;
  name: string;
  sessionId: string;
  phoneNumber: string | null;
  description: string | null;
  isActive: boolean;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionStatus {
  /** null when no session has been created yet. */
  session: SessionRecord | null;
  state: SessionState;
  /** Why the state last changed, in English for logs and scripts, e.g. "QR expired". */
  reason: string | null;
  /** The same as a code, for the panel to translate; null only before anything happened. */
  reasonCode: SessionReasonCode | null;
  qr: { value: string; expiresAt: string } | null;
  pairingCode: { code: string; phoneNumber: string } | null;
  /** The number WhatsApp reports as linked, international digits. */
  linkedNumber: string | null;
  lastConnectedAt: string | null;
  lastDisconnectAt: string | null;
  /** WhatsApp's or the library's own words for the last disconnect (English, e.g. "Connection Closed"). */
  lastDisconnectReason: string | null;
  /**
   * The last disconnect as a code the panel translates (the port's DisconnectKind, e.g.
   * "connection_lost", "logged_out"). WhatsApp's routine restart after linking (515) is not one.
   */
  lastDisconnectCode: DisconnectKind | null;
  /** Attempts since the connection was last open. */
  reconnectAttempts: number;
  /** Set while the outbox is paused: by hand, or 463s from several recipients (a restricted account). */
  outboxPausedReason: string | null;
  /** The pause's reason as a code the panel translates (e.g. "paused_restricted"), with its parameters. */
  outboxPausedCode: DetailCode | null;
  outboxPausedParams: DetailParams | null;
  /**
   * Set while wa_sessions/ refuses the credential writes (which folder, which OS error): they are
   * kept in memory, so restarting or a crash now may unlink the device. Null once they all landed.
   */
  storageProblem: string | null;
  /** The version the last socket announced; null before the first connect. */
  waWebVersion: WaWebVersionInUse | null;
  changedAt: string;
}

export interface MessageEventRecord {
  status: MessageStatus | "retry" | "paused";
  /** English, for logs and programs; the panel translates `code` and shows this only when it has none. */
  detail: string | null;
  /** `detail` as a code (outbox/detail-codes.ts) with its parameters; null on older rows and plain lines. */
  code: DetailCode | null;
  params: DetailParams | null;
  at: string;
}

export interface MessageRecord {
  id: string;
  to: string;
  type: "text" | "image" | "document";
  text: string | null;
  fileName: string | null;
  status: MessageStatus;
  idempotencyKey: string | null;
  waMessageId: string;
  attempts: number;
  lastError: string | null;
  /** `lastError` as a code with its parameters, as in the timeline. */
  lastErrorCode: DetailCode | null;
  lastErrorParams: DetailParams | null;
  /** While held (463): the https://wa.me/<our number>?text=… link to share with the recipient. */
  holdLink: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
  events: MessageEventRecord[];
}

export interface KabarStats {
  reconnects: number;
  /** Send attempt → first ack, the last 1000 samples (a window, for a panel). */
  sendLatencyMs: number[];
  /** Send attempt → first ack, cumulative since start (for /metrics: count and sum only grow). */
  sendLatency: LatencyHistogram;
  lastDisconnectReason: string | null;
  /** A code from a fixed set, fit for a metric label (never WhatsApp's free text). */
  lastDisconnectCode: DisconnectKind | null;
}

/** One calendar day of the dashboard's chart, in the organisation's time zone. */
export interface DashboardDay {
  /** YYYY-MM-DD in the organisation's time zone. */
  day: string;
  /** Messages whose sentAt, deliveredAt, readAt, failedAt fall on this day (each on its own event's day). */
  sent: number;
  delivered: number;
  read: number;
  failed: number;
}

/** The running broadcast's progress, for the dashboard's card; null while none runs. */
export interface RunningBroadcastProgress {
  id: string;
  name: string;
  /** Rows the broadcast will send (valid rows). */
  total: number;
  /** Rows that reached a final status (sent, delivered, read, failed, opted out, cancelled). */
  done: number;
}

export interface DashboardStats {
  /** The IANA zone the days are counted in (the timeZone setting). */
  timeZone: string;
  /** Exactly 14 days, oldest first, the last one today; days with nothing have zeros. */
  days: DashboardDay[];
  /**
   * Of the messages sent in the 14 days, the share that reached delivered (or read), 0..1; null
   * when none were sent. A cohort, so it never exceeds 1 as "delivered today ÷ sent today" could.
   */
  deliveryRate: number | null;
  /** Median of sentAt → deliveredAt over the messages delivered in the 14 days; null when none. */
  medianDeliveryMs: number | null;
  /** Messages not yet out: due now, waiting for a later attempt (retry, daily cap), held, in flight. */
  outbox: { queued: number; waiting: number; held: number; sending: number; depth: number };
  runningBroadcast: RunningBroadcastProgress | null;
}

export interface DashboardService {
  stats(): Promise<DashboardStats>;
}

/** A message a contact sent to the account, stored once (by WhatsApp id). */
export interface InboundMessageRecord {
  id: string;
  waMessageId: string;
  /** International digits; null when WhatsApp named the sender only by LID (see fromLid). */
  from: string | null;
  /** The sender's LID when the chat came addressed by LID; never a phone number. */
  fromLid: string | null;
  type: "text" | "image" | "document" | "other";
  text: string | null;
  caption: string | null;
  mimeType: string | null;
  /** When the sender sent it (WhatsApp's timestamp). */
  receivedAt: string;
  /** Held by WhatsApp while the device was away and delivered at login. */
  isOffline: boolean;
  /** When an admin read it in the inbox; null while unread. */
  readAt: string | null;
  /** When Kabar stored it. */
  createdAt: string;
}

/** One sender in the inbox: their latest message and how many are unread. */
export interface InboxContact {
  /** International digits, or the LID when WhatsApp never named the number. */
  phone: string;
  isLid: boolean;
  lastMessage: InboundMessageRecord;
  messageCount: number;
  unread: number;
  optedOut: boolean;
}

/** A thread entry: what the contact sent, or what the account sent them. */
export type InboxThreadEntry =
  | { direction: "in"; at: string; message: InboundMessageRecord }
  | {
      direction: "out";
      at: string;
      message: { id: string; text: string | null; type: string; status: MessageStatus };
    };

export interface OptOutRecord {
  phone: string;
  source: "keyword" | "admin";
  createdAt: string;
}

export interface AutoReplyRecord {
  keyword: string;
  reply: string;
  updatedAt: string;
}

export type AlertKind =
  | "logged_out"
  | "qr_needed"
  | "banned"
  | "client_too_old"
  | "replaced"
  | "disconnected"
  | "outbox_paused"
  | "storage_problem"
  | "test";

/** An incident opening ("raised") or ending ("cleared"); one of each per incident, never a flood. */
export interface AlertRecord {
  kind: AlertKind;
  phase: "raised" | "cleared";
  /** Why, in the words the session status used (e.g. "logged out on phone"). */
  reason: string | null;
  at: string;
}

export interface SendResult {
  id: string;
  status: MessageStatus;
  to: string;
  /** True when sessionName did not match and the default session was used, as the seed describes. */
  usedDefaultSession: boolean;
  /** True when the idempotency key had been seen: nothing new was queued. */
  duplicate: boolean;
}

export interface SendOptions {
  /** Resolve only once the message reached this status (or failed); default: as soon as it is queued. */
  waitFor?: "queued" | "sent";
  timeoutMs?: number;
}

export interface MediaInput {
  to: string;
  /** A file path or the bytes themselves. */
  file: string | Uint8Array;
  fileName?: string;
  mimeType?: string;
  caption?: string;
  idempotencyKey?: string;
  /** Send even to a number on the opt-out list. */
  force?: boolean;
}

export interface Settings {
  minGapMs: number;
  maxGapMs: number;
  perRecipientGapMs: number;
  dailyCap: number;
  defaultCountry: string;
  checkOnWhatsApp: boolean;
  optOutKeywords: string[];
  optInKeywords: string[];
  optOutReply: string;
  optInReply: string;
  alertLanguage: "id" | "en";
  alertDisconnectedMs: number;
  /** Attempts that end in a transient error before a message fails with its last error. */
  maxAttempts: number;
  /** Distinct recipients answered 463 within holdsWindowMs before the whole outbox pauses. */
  holdsBeforePause: number;
  holdsWindowMs: number;
  /** Off by default: a preview makes the server fetch whatever URL a caller put in a text. */
  linkPreviews: boolean;
  /** The organisation's IANA time zone (default Asia/Jakarta): the daily cap counts its calendar days. */
  timeZone: string;
}

export type CoreEvent =
  | { type: "session.state"; status: SessionStatus }
  | { type: "message.received"; message: InboundMessageRecord }
  | { type: "alert"; alert: AlertRecord }
  | {
      type: "message.status";
      message: { id: string; to: string; status: MessageStatus; detail: string | null; at: string };
    };

export interface TrackedEvent {
  /** Monotonic within the process; pass the last one seen as lastEventId to resume. */
  id: string;
  event: CoreEvent;
}

/**
 * Yielded by `subscribe`, first, when the events after lastEventId are no longer held (evicted by
 * count or age, or the id is from an earlier process): what came between is lost, so the subscriber
 * must re-read the current state. Its id is the newest event's, so resuming from it misses nothing.
 */
export interface ResyncEvent {
  id: string;
  event: { type: "resync" };
}

export interface EventBus {
  /**
   * Replays the events after lastEventId, or a ResyncEvent when they are no longer all held, then
   * yields new ones until the signal aborts.
   */
  subscribe(options?: {
    lastEventId?: string | null;
    signal?: AbortSignal;
  }): AsyncIterable<TrackedEvent | ResyncEvent>;
  /** Every event, from every node of a cluster, in id order. */
  on(listener: (event: TrackedEvent) => void): () => void;
  /**
   * Only the events this process published, once they have their id, in publish order. A side effect
   * that must happen once cluster-wide (a webhook, an alert e-mail) listens here: every event has
   * exactly one publisher, so each node acts on its own events and no two nodes act on the same one.
   */
  onPublished(listener: (event: TrackedEvent) => void): () => void;
}

/** What a `kabar_changed` notification names: the cache every node drops or re-reads. */
export type ChangeTopic = "settings" | "optouts" | "tokens" | "webhooks" | "autoreplies" | "broadcasts";

/**
 * Cache invalidation across nodes. On SQLite (one process) announce does nothing: the writer updates its
 * own cache. On PostgreSQL it NOTIFYs every node (this one too), and after the listening connection was
 * lost every topic fires once, since a notification sent meanwhile is gone.
 */
export interface ChangeFeed {
  /** Call after the change committed. */
  announce(topic: ChangeTopic): void;
  on(topic: ChangeTopic, listener: () => void): () => void;
}

export interface SessionService {
  list(): Promise<SessionRecord[]>;
  get(): Promise<SessionRecord | null>;
  /** Throws SessionAlreadyExistsError naming the existing session. */
  create(input: CreateSessionInput): Promise<SessionRecord>;
  update(input: UpdateSessionInput): Promise<SessionRecord>;
  /** Throws DefaultSessionUndeletableError for the default (the one) session. */
  delete(id: string): Promise<void>;
  status(): SessionStatus;
  /** QR by default; a pairing code when phoneNumber is given. */
  connect(input?: ConnectSessionInput): Promise<SessionStatus>;
  refreshQr(): Promise<SessionStatus>;
  requestPairingCode(input: { phoneNumber: string }): Promise<SessionStatus>;
  disconnect(): Promise<SessionStatus>;
  logout(): Promise<SessionStatus>;
  /**
   * "Use this server": reconnect on purpose after another client took the session over (replaced),
   * or after a refusal that needs no new link (banned, client too old). That client is then replaced.
   */
  takeOver(): Promise<SessionStatus>;
}

export interface MessageService {
  send(input: SendMessageInput, options?: SendOptions): Promise<SendResult>;
  sendMedia(type: "image" | "document", input: MediaInput, options?: SendOptions): Promise<SendResult>;
  get(id: string): Promise<MessageRecord | null>;
  list(input: ListMessagesInput): Promise<{ items: MessageRecord[]; nextCursor: string | null }>;
  /** Queues a failed or held message again (same WhatsApp id). */
  resend(id: string): Promise<MessageRecord>;
  /** Cancels a queued or held message; MessageNotCancellableError for any other status. */
  cancel(id: string): Promise<MessageRecord>;
  countByStatus(): Promise<Record<MessageStatus, number>>;
  /** Messages contacts sent, newest first. */
  inbound(input: ListInboundInput): Promise<{ items: InboundMessageRecord[]; nextCursor: string | null }>;
}

export interface InboxService {
  /** Senders, the most recent first, with unread counts. */
  contacts(): Promise<InboxContact[]>;
  /** A contact's messages both ways, oldest first. */
  thread(input: InboxThreadInput): Promise<InboxThreadEntry[]>;
  /** Marks what the contact sent so far as read; returns how many changed. */
  markRead(input: ContactInput): Promise<{ marked: number }>;
  /** Replies through the outbox (pacing, daily cap); refused with 409 to an opted-out number. */
  reply(input: { phone: string; message: string; force?: boolean }): Promise<SendResult>;
}

export interface OptOutService {
  list(): Promise<OptOutRecord[]>;
  add(input: ContactInput): Promise<OptOutRecord>;
  /** Returns whether the number was on the list. */
  remove(input: ContactInput): Promise<{ removed: boolean }>;
  /** For broadcasts: skip a number that said stop. Accepts any form of the number. */
  isOptedOut(phone: string): Promise<boolean>;
}

export interface AutoReplyService {
  list(): Promise<AutoReplyRecord[]>;
  /** Creates or replaces the reply for a keyword. */
  set(input: AutoReplyInput): Promise<AutoReplyRecord>;
  remove(input: AutoReplyKeywordInput): Promise<{ removed: boolean }>;
}

export interface AlertService {
  /** The incidents open now (at most one per channel: session, outbox, storage). */
  open(): AlertRecord[];
  /** Publishes an alert of kind "test" (webhooks get it; the API also e-mails it). */
  test(): AlertRecord;
}

export interface OutboxState {
  /** Why nothing is sent now (by hand, or 463s from several recipients); null: sending. */
  pausedReason: string | null;
  /** The reason as a code the panel translates ("paused_by_hand", "paused_restricted"), with its parameters. */
  pausedCode: DetailCode | null;
  pausedParams: DetailParams | null;
  /** True when a person paused it: only a resume ends it, also across restarts. */
  isPausedByHand: boolean;
}

export interface OutboxService {
  state(): OutboxState;
  pause(input?: PauseOutboxInput): Promise<OutboxState>;
  /** Ends the pause by hand and a 463 pause. */
  resume(): Promise<OutboxState>;
}

export interface OnWhatsAppAnswer {
  number: string;
  isOnWhatsApp: boolean;
  checkedAt: string;
  /** After this the number is looked up again before the next send (yes: 7 days, no: 1 day). */
  expiresAt: string;
}

export interface OnWhatsAppAnswerService {
  list(): Promise<OnWhatsAppAnswer[]>;
  /** Forgets the answer for one number; true when there was one. */
  clear(input: OnWhatsAppNumberInput): Promise<{ cleared: boolean }>;
}

export interface SettingsService {
  get(): Promise<Settings>;
  update(input: SettingsInput): Promise<Settings>;
}

export interface HealthReport {
  ok: boolean;
  database: boolean;
  session: { state: SessionState; reason: string | null };
  outboxDepth: number;
  /** False while wa_sessions/ refuses writes: degraded, not down, so it leaves `ok` alone. */
  credentialsWritable: boolean;
  /** The session status's storageProblem: which folder refuses writes and why. */
  storageProblem: string | null;
  /** The WhatsApp Web version in use and its source; null before the first connect. */
  waWebVersion: WaWebVersionInUse | null;
}

/** One problem of one CSV row; a row with two problems has two entries. */
export interface BroadcastRowError {
  /** The file line the row starts on (1 = the header). */
  line: number;
  /** The header name of the column at fault. */
  column: string;
  problem: "bad_number" | "empty_value" | "duplicate_number";
  /** The same for a person, e.g. "duplicate number 6281…, first on line 12". */
  message: string;
}

export interface BroadcastPreviewItem {
  line: number;
  to: string;
  text: string;
}

export interface BroadcastRecord {
  id: string;
  name: string;
  template: string;
  status: BroadcastStatus;
  columns: string[];
  phoneColumn: string;
  scheduledAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BroadcastProgress {
  broadcast: BroadcastRecord;
  /** Every CSV row (valid or not). */
  total: number;
  counts: Record<BroadcastRowStatus, number>;
  /** Rows whose message is done with (sent or later, failed, opted out, cancelled) among the valid ones. */
  done: number;
  /** When the last row is expected to be sent, from pacing and the daily cap; null when nothing is left. */
  eta: string | null;
}

export interface BroadcastCreated {
  id: string;
  /** Data rows read (the header not counted). */
  rows: number;
  valid: number;
  invalid: number;
  /** Every problem found, in file order (at most 1,000; the report CSV has every row). */
  errors: BroadcastRowError[];
  /** The first 5 valid rows rendered. */
  preview: BroadcastPreviewItem[];
  broadcast: BroadcastRecord;
}

export interface BroadcastService {
  /** Reads the CSV as it streams in; nothing is stored when the list or the template is refused. */
  create(input: CreateBroadcastInput, csv: AsyncIterable<Uint8Array | string>): Promise<BroadcastCreated>;
  /**
   * Uploads a list again to a broadcast that is not finished: rows not yet handed to the outbox are
   * replaced; a number already sent to by this broadcast is not sent to again (same idempotency key).
   */
  upload(input: BroadcastIdInput, csv: AsyncIterable<Uint8Array | string>): Promise<BroadcastCreated>;
  preview(input: PreviewBroadcastInput): Promise<BroadcastPreviewItem[]>;
  list(): Promise<BroadcastRecord[]>;
  get(input: BroadcastIdInput): Promise<BroadcastProgress>;
  /** The running broadcast's progress (the oldest running one), null when none runs: for the dashboard. */
  running(): Promise<BroadcastProgress | null>;
  start(input: BroadcastIdInput): Promise<BroadcastProgress>;
  schedule(input: ScheduleBroadcastInput): Promise<BroadcastProgress>;
  pause(input: BroadcastIdInput): Promise<BroadcastProgress>;
  resume(input: BroadcastIdInput): Promise<BroadcastProgress>;
  cancel(input: BroadcastIdInput): Promise<BroadcastProgress>;
  /** The report, one CSV line per uploaded row after a header, produced page by page. */
  report(input: BroadcastIdInput): AsyncIterable<string>;
  /** Called with a broadcast's id whenever its progress may have changed. */
  onChange(listener: (id: string) => void): () => void;
}

/**
 * This node's place in the cluster. On SQLite there is one node: mode "single", isOwner true, ownerNodeId =
 * nodeId, ownerSince = process start, leaseExpiresAt null. On PostgreSQL the owner is the lease holder.
 */
export interface ClusterInfo {
  mode: "single" | "cluster";
  /** CLUSTER_NODE_ID: `^[A-Za-z0-9._:-]{1,64}$`, default `<hostname>:<PORT>`. */
  nodeId: string;
  isOwner: boolean;
  ownerNodeId: string | null;
  ownerSince: Date | null;
  leaseExpiresAt: Date | null;
}

export interface Kabar {
  broadcasts: BroadcastService;
  sessions: SessionService;
  messages: MessageService;
  outbox: OutboxService;
  onWhatsApp: OnWhatsAppAnswerService;
  settings: SettingsService;
  inbox: InboxService;
  optOuts: OptOutService;
  autoReplies: AutoReplyService;
  alerts: AlertService;
  dashboard: DashboardService;
  events: EventBus;
  /** Cache invalidation across nodes (see ChangeFeed). */
  changes: ChangeFeed;
  health(): Promise<HealthReport>;
  /** Which node owns the WhatsApp session (several nodes on PostgreSQL), for /health and the panel. */
  cluster(): ClusterInfo;
  /** Counters for /metrics. */
  stats(): KabarStats;
  /** Stops the worker and the socket; the credentials stay. */
  close(): Promise<void>;
}

export interface KabarOptions {
  databaseUrl: string;
  /**
   * A Prisma client the host process already uses. Pass it: two clients in one process can
   * block each other on SQLite's write lock (the libsql driver waits synchronously).
   */
  db?: import("@kabar/db").PrismaClient;
  /** The folder holding wa_sessions/<sessionId>/; default <repo>/wa_sessions. */
  sessionsDir: string;
  /** Where media bytes are kept on SQLite, one file per SHA-256; default `media/` beside the database file.
   * On PostgreSQL they live in its MediaBlob table instead (every node reads them there). */
  mediaDir?: string;
  /** Point the adapter at a WhatsApp simulator instead of WhatsApp. */
  whatsappWsUrl?: string;
  /** WHATSAPP_MEDIA_URL: route WhatsApp's media host names (downloads, uploads) to this https:// host. */
  whatsappMediaUrl?: string;
  /** WHATSAPP_EXTRA_CA: a PEM file trusted, besides the system's roots, for WhatsApp's media hosts. */
  whatsappExtraCa?: string;
  /** WA_WEB_VERSION, e.g. "2.3000.1030000000": announce this version instead of resolving it. */
  waWebVersion?: string;
  /** WA_WEB_VERSION_URL: the sw.js page read for the live version (default: derived, see README). */
  waWebVersionUrl?: string;
  /** Overrides of the stored settings, e.g. pacing off in tests. */
  settings?: Partial<Settings>;
  /** A message with no server ack within this time is retried with the same id. Default 30 s. */
  ackTimeoutMs?: number;
  logger?: import("pino").Logger;
  /** CLUSTER_NODE_ID: this node's name on PostgreSQL (default `<hostname>:<pid>`; the server passes `<hostname>:<PORT>`). */
  clusterNodeId?: string;
  /** CLUSTER_LEASE_MS: how long the WhatsApp session's lease lasts without renewal; default 10000. */
  clusterLeaseMs?: number;
}
