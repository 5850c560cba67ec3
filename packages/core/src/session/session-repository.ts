/** The only session code that talks to Prisma: the WhatsAppSession row, its fields selected explicitly. */
import { type Prisma, type PrismaClient, THE_SESSION_ORDER } from "@kabar/db";
import type { SessionRecord, SessionState } from "../contract.js";
import type { DisconnectKind } from "../whatsapp/port.js";

const recordSelect = {
  id: true,
  name: true,
  sessionId: true,
  phoneNumber: true,
  description: true,
  isActive: true,
  isDefault: true,
  createdAt: true,
  updatedAt: true,
  linkedNumber: true,
  lastConnectedAt: true,
  lastDisconnectAt: true,
  lastDisconnectReason: true,
  lastDisconnectCode: true,
} satisfies Prisma.WhatsAppSessionSelect;

type SessionRow = Prisma.WhatsAppSessionGetPayload<{ select: typeof recordSelect }>;

export interface StoredSession {
  record: SessionRecord;
  linkedNumber: string | null;
  lastConnectedAt: string | null;
  lastDisconnectAt: string | null;
  lastDisconnectReason: string | null;
  lastDisconnectCode: DisconnectKind | null;
}

/** The live columns a status script reads while the server holds the session. */
export interface LiveState {
  state: SessionState;
  stateReason: string | null;
  linkedNumber: string | null;
  lastConnectedAt: string | null;
  lastDisconnectAt: string | null;
  lastDisconnectReason: string | null;
  lastDisconnectCode: DisconnectKind | null;
  reconnectAttempts: number;
}

export interface SessionFields {
  name: string;
  sessionId: string;
  phoneNumber: string | null;
  description: string | null;
}

// An older database may still hold several rows (pnpm whatsapp:cleanup fixes it): @kabar/db's one
// ordering says which is the one, so the scripts and the product agree.
const theOneFirst = [...THE_SESSION_ORDER];

export function createSessionRepository(db: PrismaClient) {
  return {
    async list(): Promise<SessionRecord[]> {
      const rows = await db.whatsAppSession.findMany({ select: recordSelect, orderBy: theOneFirst });
      return rows.map(toRecord);
    },
    async findTheOne(): Promise<StoredSession | null> {
      const row = await db.whatsAppSession.findFirst({ select: recordSelect, orderBy: theOneFirst });
      return row ? toStored(row) : null;
    },
    /** The one session with the live columns its owner writes: what a follower node shows. */
    async findLive(): Promise<
      (StoredSession & { state: string; stateReason: string | null; reconnectAttempts: number }) | null
    > {
      const row = await db.whatsAppSession.findFirst({
        select: { ...recordSelect, state: true, stateReason: true, reconnectAttempts: true },
        orderBy: theOneFirst,
      });
      if (!row) return null;
      return {
        ...toStored(row),
        state: row.state,
        stateReason: row.stateReason,
        reconnectAttempts: row.reconnectAttempts,
      };
    },
    async findById(id: string): Promise<SessionRecord | null> {
      const row = await db.whatsAppSession.findUnique({ where: { id }, select: recordSelect });
      return row ? toRecord(row) : null;
    },
    async findBySessionId(sessionId: string): Promise<SessionRecord | null> {
      const row = await db.whatsAppSession.findUnique({ where: { sessionId }, select: recordSelect });
      return row ? toRecord(row) : null;
    },
    async create(fields: SessionFields): Promise<SessionRecord> {
      const row = await db.whatsAppSession.create({
        data: { ...fields, isActive: true, isDefault: true },
        select: recordSelect,
      });
      return toRecord(row);
    },
    async update(id: string, fields: Partial<SessionFields>): Promise<SessionRecord> {
      const row = await db.whatsAppSession.update({
        where: { id },
        data: { ...fields, isActive: true, isDefault: true },
        select: recordSelect,
      });
      return toRecord(row);
    },
    async writeLiveState(id: string, live: LiveState, heartbeatAt: Date): Promise<void> {
      await db.whatsAppSession.updateMany({
        where: { id },
        data: {
          state: live.state,
          stateReason: live.stateReason,
          linkedNumber: live.linkedNumber,
          lastConnectedAt: toDate(live.lastConnectedAt),
          lastDisconnectAt: toDate(live.lastDisconnectAt),
          lastDisconnectReason: live.lastDisconnectReason,
          lastDisconnectCode: live.lastDisconnectCode,
          reconnectAttempts: live.reconnectAttempts,
          heartbeatAt,
        },
      });
    },
    async writeHeartbeat(id: string, heartbeatAt: Date): Promise<void> {
      await db.whatsAppSession.updateMany({ where: { id }, data: { heartbeatAt } });
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    name: row.name,
    sessionId: row.sessionId,
    phoneNumber: row.phoneNumber,
    description: row.description,
    // The one session is always both, whatever an older version stored.
    isActive: true,
    isDefault: true,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toStored(row: SessionRow): StoredSession {
  return {
    record: toRecord(row),
    linkedNumber: row.linkedNumber,
    lastConnectedAt: row.lastConnectedAt?.toISOString() ?? null,
    lastDisconnectAt: row.lastDisconnectAt?.toISOString() ?? null,
    lastDisconnectReason: row.lastDisconnectReason,
    lastDisconnectCode: toDisconnectKind(row.lastDisconnectCode),
  };
}

// Every kind, so a kind added to the port must be added here too (the compiler says so).
const DISCONNECT_KINDS: Record<DisconnectKind, true> = {
  connection_closed: true,
  connection_lost: true,
  restart_required: true,
  connection_replaced: true,
  client_too_old: true,
  banned: true,
  service_unavailable: true,
  logged_out: true,
  qr_expired: true,
  other: true,
};

/** A code written by an older or newer version that this one does not know reads as none. */
function toDisconnectKind(value: string | null): DisconnectKind | null {
  return value !== null && Object.hasOwn(DISCONNECT_KINDS, value) ? (value as DisconnectKind) : null;
}

function toDate(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}
