/**
 * Socket commands between nodes (PostgreSQL only): only the owner has the WhatsApp socket, so a follower
 * asks it. `NOTIFY kabar_command` carries {id, from, command, input}; the node that owns the session runs
 * it and answers on `kabar_command_reply` with {id, ok, status} or {id, ok: false, error}. A follower waits
 * at most 10 s, then fails with an error that says no owner answered. One dedicated connection
 * (application_name `kabar-<node>-listen`) listens and notifies.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type pg from "pg";
import type { SessionStatus } from "../contract.js";
import { KabarError, type KabarErrorCode } from "../errors.js";

export const SESSION_COMMANDS = [
  "connect",
  "refreshQr",
  "requestPairingCode",
  "disconnect",
  "logout",
  "takeOver",
] as const;
export type SessionCommand = (typeof SESSION_COMMANDS)[number];

export const COMMAND_TIMEOUT_MS = 10_000;
const COMMAND_CHANNEL = "kabar_command";
const REPLY_CHANNEL = "kabar_command_reply";

interface CommandRequest {
  id: string;
  from: string;
  command: SessionCommand;
  input: unknown;
}

type CommandReply =
  | { id: string; ok: true; status: SessionStatus }
  | { id: string; ok: false; error: { code: string; message: string; field?: string } };

export interface CommandChannel {
  /** Asks the owner to run a socket command; resolves with the owner's status after it. */
  request(command: SessionCommand, input: unknown): Promise<SessionStatus>;
  close(): Promise<void>;
}

export interface CommandChannelOptions {
  databaseUrl: string;
  nodeId: string;
  logger: Logger;
  pg: typeof pg;
  timeoutMs?: number;
  /** True while this node owns the session: only then does it run what others ask. */
  isOwner(): boolean;
  run(command: SessionCommand, input: unknown): Promise<SessionStatus>;
}

export async function openCommandChannel(options: CommandChannelOptions): Promise<CommandChannel> {
  const { nodeId, logger } = options;
  const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
  const pending = new Map<string, (reply: CommandReply) => void>();
  let client: pg.Client | null = null;
  let closed = false;

  async function connect(): Promise<pg.Client> {
    const fresh = new options.pg.Client({
      connectionString: options.databaseUrl,
      application_name: `kabar-${nodeId}-listen`,
    });
    fresh.on("notification", (message) => onNotification(message.channel, message.payload ?? ""));
    const broken = () => {
      if (client !== fresh) return;
      client = null;
      fresh.end().catch(() => undefined);
      if (!closed) setTimeout(() => void reconnect(), 500).unref();
    };
    fresh.on("error", broken);
    fresh.on("end", broken);
    await fresh.connect();
    await fresh.query(`LISTEN ${COMMAND_CHANNEL}`);
    await fresh.query(`LISTEN ${REPLY_CHANNEL}`);
    client = fresh;
    return fresh;
  }

  async function reconnect(): Promise<void> {
    if (closed || client) return;
    try {
      await connect();
    } catch (error) {
      logger.warn({ err: error, nodeId }, "the command channel could not reconnect; trying again");
      if (!closed) setTimeout(() => void reconnect(), 1_000).unref();
    }
  }

  async function notify(channel: string, payload: unknown): Promise<void> {
    const db = client ?? (await connect());
    await db.query("SELECT pg_notify($1, $2)", [channel, JSON.stringify(payload)]);
  }

  function onNotification(channel: string, payload: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return;
    }
    if (channel === REPLY_CHANNEL) {
      const reply = parsed as CommandReply;
      pending.get(reply.id)?.(reply);
      return;
    }
    if (channel === COMMAND_CHANNEL && options.isOwner()) void answer(parsed as CommandRequest);
  }

  async function answer(request: CommandRequest): Promise<void> {
    if (!SESSION_COMMANDS.includes(request.command)) return;
    logger.info(
      { command: request.command, from: request.from },
      "running a session command for another node",
    );
    let reply: CommandReply;
    try {
      reply = { id: request.id, ok: true, status: await options.run(request.command, request.input) };
    } catch (error) {
      const code = error instanceof KabarError ? error.code : "INTERNAL";
      const message = error instanceof Error ? error.message : String(error);
      const field = error instanceof KabarError ? error.field : undefined;
      reply = { id: request.id, ok: false, error: { code, message, ...(field ? { field } : {}) } };
    }
    await notify(REPLY_CHANNEL, reply).catch((error: unknown) =>
      logger.warn({ err: error }, "could not answer a session command"),
    );
  }

  await connect();

  return {
    async request(command, input) {
      const id = randomUUID();
      const replied = new Promise<CommandReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new KabarError(
              "TIMEOUT",
              `No node that owns the WhatsApp session answered "${command}" within ${timeoutMs / 1000} s; try again once a node owns it (see /health).`,
            ),
          );
        }, timeoutMs);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(reply);
        });
      });
      await notify(COMMAND_CHANNEL, { id, from: nodeId, command, input } satisfies CommandRequest);
      const reply = await replied;
      if (reply.ok) return reply.status;
      throw new KabarError(reply.error.code as KabarErrorCode, reply.error.message, reply.error.field);
    },
    async close() {
      closed = true;
      const db = client;
      client = null;
      await db?.end().catch(() => undefined);
    },
  };
}
