/**
 * The router the API engineer announced (issue 5), as types only, so the panel can be written and
 * type-checked before `@kabar/api` exports `AppRouter`. Only `import type` reaches this file, so none of it
 * is bundled. Delete it once the real router lands (core has no index yet, hence the relative import).
 */
import type {
  MessageRecord,
  SessionRecord,
  SessionStatus,
  Settings,
  SendResult,
} from "../../../../packages/core/src/contract.js";
import {
  connectSessionInput,
  createSessionInput,
  listMessagesInput,
  messageIdInput,
  sendMessageInput,
  settingsInput,
  updateSessionInput,
} from "@kabar/core/schemas";
import { initTRPC } from "@trpc/server";
import { z } from "zod";

const t = initTRPC.create();
const declared = <T>() => null as unknown as T;

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const plannedRouter = t.router({
  auth: t.router({
    login: t.procedure.input(z.object({ password: z.string() })).mutation(() => declared<{ ok: true }>()),
    logout: t.procedure.mutation(() => declared<{ ok: true }>()),
    me: t.procedure.query(() => declared<{ authenticated: boolean; needsSetup: boolean }>()),
    setup: t.procedure.input(z.object({ password: z.string() })).mutation(() => declared<{ ok: true }>()),
  }),
  meta: t.procedure.query(() => declared<{ simulated: boolean; simulatorControlUrl: string | null }>()),
  session: t.router({
    get: t.procedure.query(() => declared<SessionRecord | null>()),
    status: t.procedure.query(() => declared<SessionStatus>()),
    create: t.procedure.input(createSessionInput).mutation(() => declared<SessionRecord>()),
    update: t.procedure.input(updateSessionInput).mutation(() => declared<SessionRecord>()),
    delete: t.procedure.input(z.object({ id: z.string() })).mutation(() => declared<{ ok: true }>()),
    connect: t.procedure.input(connectSessionInput).mutation(() => declared<SessionStatus>()),
    disconnect: t.procedure.mutation(() => declared<SessionStatus>()),
    logout: t.procedure.mutation(() => declared<SessionStatus>()),
    refreshQr: t.procedure.mutation(() => declared<SessionStatus>()),
    requestPairingCode: t.procedure
      .input(z.object({ phoneNumber: z.string() }))
      .mutation(() => declared<SessionStatus>()),
    onStatus: t.procedure.subscription(async function* () {
      yield declared<SessionStatus>();
    }),
  }),
  messages: t.router({
    send: t.procedure.input(sendMessageInput).mutation(() => declared<SendResult>()),
    list: t.procedure
      .input(listMessagesInput)
      .query(() => declared<{ items: MessageRecord[]; nextCursor: string | null }>()),
    get: t.procedure.input(messageIdInput).query(() => declared<MessageRecord | null>()),
    resend: t.procedure.input(messageIdInput).mutation(() => declared<MessageRecord>()),
    onStatus: t.procedure.subscription(async function* () {
      yield declared<{ id: string; status: string }>();
    }),
  }),
  tokens: t.router({
    create: t.procedure
      .input(z.object({ name: z.string() }))
      .mutation(() => declared<ApiToken & { token: string }>()),
    list: t.procedure.query(() => declared<ApiToken[]>()),
    revoke: t.procedure.input(z.object({ id: z.string() })).mutation(() => declared<{ ok: true }>()),
  }),
  settings: t.router({
    get: t.procedure.query(() => declared<Settings>()),
    update: t.procedure.input(settingsInput).mutation(() => declared<Settings>()),
  }),
});

export type AppRouter = typeof plannedRouter;
