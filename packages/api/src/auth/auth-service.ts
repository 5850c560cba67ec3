/**
 * Admin password, cookie sessions and API tokens. The only API file that touches the auth tables;
 * it stores digests only and never returns one.
 */
import { EventEmitter } from "node:events";
import { type Options as HashOptions, hash, verify } from "@node-rs/argon2";
import { TRPCError } from "@trpc/server";
import type { ChangeFeed, Prisma, PrismaClient } from "../kabar.js";
import { type TokenScope, tokenScopeSchema } from "./access.js";
import { API_TOKEN_PREFIX, randomSecret, sameSecret, sha256, VISIBLE_PREFIX_LENGTH } from "./secrets.js";

export type Principal =
  | { kind: "admin"; userId: string; username: string }
  | { kind: "token"; tokenId: string; name: string; scope: TokenScope };

const tokenSelect = {
  id: true,
  name: true,
  prefix: true,
  scope: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} satisfies Prisma.ApiTokenSelect;

export interface ApiTokenSummary {
  id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A token's last use is written at most this often, so authenticated reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000;
export const MIN_PASSWORD_LENGTH = 8;

/** Names one credential, so an open stream can learn that its own credential ended. */
export function credentialKey(credentials: { cookie: string | null; bearer: string | null }): string | null {
  if (credentials.bearer) return `bearer:${sha256(credentials.bearer)}`;
  if (credentials.cookie) return `session:${sha256(credentials.cookie)}`;
  return null;
}

const ALL_SESSIONS = "session:*";

/**
 * Verified API tokens by digest, so a request with a known token makes no database read (one of
 * the end-to-end figure's round trips, BENCHMARKS.md figure 8). Only this file writes the table and
 * revokeToken drops the entry at once (on every node of a cluster: it announces "tokens"); a change
 * made to the database by another program is seen after at most TOKEN_CACHE_MS. Unknown tokens are never kept (a guesser cannot fill it).
 */
const TOKEN_CACHE_MS = 60_000;
const TOKEN_CACHE_MAX = 1_000;

interface CachedToken {
  id: string;
  name: string;
  scope: TokenScope;
  lastUsedAt: Date | null;
  verifiedAt: number;
}

export class AuthService {
  /** Emits a credential key (or ALL_SESSIONS) when a token is revoked or an admin session ends. */
  private readonly ended = new EventEmitter().setMaxListeners(0);
  private setupToken: string | null = null;
  private setupQueue: Promise<void> = Promise.resolve();
  private readonly tokens = new Map<string, CachedToken>();

  /** Calls onEnd once the credential behind `key` is revoked or logged out; returns an unsubscribe. */
  onCredentialEnded(key: string, onEnd: () => void): () => void {
    const listener = (ended: string) => {
      if (ended === key || (ended === ALL_SESSIONS && key.startsWith("session:"))) onEnd();
    };
    this.ended.on("ended", listener);
    return () => this.ended.off("ended", listener);
  }

  constructor(
    private readonly db: PrismaClient,
    private readonly options: { sessionDays: number; hashOptions?: HashOptions; changes?: ChangeFeed },
  ) {
    options.changes?.on("tokens", () => this.tokens.clear());
  }

  private hashPassword(password: string): Promise<string> {
    return hash(password, this.options.hashOptions);
  }

  /**
   * On start. When ADMIN_PASSWORD is set it *is* the admin password: it creates the first admin, and
   * a changed value replaces the old password (and logs everyone out) — the way to reset a forgotten one.
   */
  async ensureInitialAdmin(
    password: string | undefined,
  ): Promise<"created" | "updated" | "unchanged" | "needs-setup"> {
    const admin = await this.db.adminUser.findFirst({
      orderBy: { createdAt: "asc" },
      select: { id: true, passwordHash: true },
    });
    if (!password) return admin ? "unchanged" : "needs-setup";
    if (!admin) {
      await this.db.adminUser.create({ data: { passwordHash: await this.hashPassword(password) } });
      return "created";
    }
    if (await verify(admin.passwordHash, password)) return "unchanged";
    await this.db.adminUser.update({
      where: { id: admin.id },
      data: { passwordHash: await this.hashPassword(password) },
    });
    await this.db.adminSession.deleteMany({ where: { userId: admin.id } });
    this.ended.emit("ended", ALL_SESSIONS);
    return "updated";
  }

  async needsSetup(): Promise<boolean> {
    return (await this.db.adminUser.count()) === 0;
  }

  /**
   * A one-time secret for first-run setup from another machine (printed in the log at start): the
   * first person to reach a fresh server on 0.0.0.0 must not become its admin.
   */
  issueSetupToken(): string {
    this.setupToken = randomSecret(18);
    return this.setupToken;
  }

  /**
   * First-run setup: only while no admin exists, from this machine or with the setup token. One at
   * a time, so concurrent attempts make one admin and the others get 409.
   */
  setup(
    password: string,
    origin: { isLoopback: boolean; setupToken: string | undefined },
  ): Promise<{ token: string; expiresAt: Date }> {
    const run = this.setupQueue.then(() => this.setupOnce(password, origin));
    this.setupQueue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async setupOnce(
    password: string,
    origin: { isLoopback: boolean; setupToken: string | undefined },
  ): Promise<{ token: string; expiresAt: Date }> {
    if (!(await this.needsSetup())) {
      throw new TRPCError({ code: "CONFLICT", message: "An admin already exists; log in instead." });
    }
    if (!origin.isLoopback) {
      if (!origin.setupToken) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message:
            "setupToken is required: first-run setup from another machine needs the one-time setup token printed in the server log at start.",
        });
      }
      if (!this.setupToken || !sameSecret(origin.setupToken, this.setupToken)) {
        throw new TRPCError({ code: "UNAUTHORIZED", message: "setupToken is wrong." });
      }
    }
    const user = await this.db.adminUser.create({
      data: { passwordHash: await this.hashPassword(password) },
      select: { id: true },
    });
    this.setupToken = null;
    return this.startSession(user.id);
  }

  async login(password: string): Promise<{ token: string; expiresAt: Date }> {
    const user = await this.db.adminUser.findFirst({
      orderBy: { createdAt: "asc" },
      select: { id: true, passwordHash: true },
    });
    if (!user) {
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: "No admin exists yet; run the first-run setup.",
      });
    }
    if (!(await verify(user.passwordHash, password))) {
      throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong password." });
    }
    return this.startSession(user.id);
  }

  async logout(cookieValue: string): Promise<void> {
    await this.db.adminSession.deleteMany({ where: { tokenHash: sha256(cookieValue) } });
    this.ended.emit("ended", `session:${sha256(cookieValue)}`);
  }

  async authenticate(credentials: {
    cookie: string | null;
    bearer: string | null;
  }): Promise<Principal | null> {
    if (credentials.bearer) return this.authenticateToken(credentials.bearer);
    if (credentials.cookie) return this.authenticateCookie(credentials.cookie);
    return null;
  }

  async createToken(name: string, scope: TokenScope): Promise<ApiTokenSummary & { token: string }> {
    const token = `${API_TOKEN_PREFIX}${randomSecret(32)}`;
    const created = await this.db.apiToken.create({
      data: { name, scope, prefix: token.slice(0, VISIBLE_PREFIX_LENGTH), tokenHash: sha256(token) },
      select: tokenSelect,
    });
    return { ...summarise(created), token };
  }

  async listTokens(): Promise<ApiTokenSummary[]> {
    const tokens = await this.db.apiToken.findMany({ orderBy: { createdAt: "desc" }, select: tokenSelect });
    return tokens.map(summarise);
  }

  async revokeToken(id: string): Promise<ApiTokenSummary> {
    const existing = await this.db.apiToken.findUnique({ where: { id }, select: tokenSelect });
    if (!existing) throw new TRPCError({ code: "NOT_FOUND", message: `No API token with id "${id}".` });
    if (existing.revokedAt) return summarise(existing);
    const revoked = await this.db.apiToken.update({
      where: { id },
      data: { revokedAt: new Date() },
      select: { ...tokenSelect, tokenHash: true },
    });
    this.tokens.delete(revoked.tokenHash);
    this.options.changes?.announce("tokens");
    this.ended.emit("ended", `bearer:${revoked.tokenHash}`);
    return summarise(revoked);
  }

  private async startSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomSecret(32);
    const expiresAt = new Date(Date.now() + this.options.sessionDays * 86_400_000);
    // Logins are rare: a good moment to forget sessions that have expired.
    await this.db.adminSession.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    await this.db.adminSession.create({ data: { tokenHash: sha256(token), userId, expiresAt } });
    return { token, expiresAt };
  }

  private async authenticateCookie(cookie: string): Promise<Principal | null> {
    const session = await this.db.adminSession.findUnique({
      where: { tokenHash: sha256(cookie) },
      select: { expiresAt: true, user: { select: { id: true, username: true } } },
    });
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    return { kind: "admin", userId: session.user.id, username: session.user.username };
  }

  private async authenticateToken(token: string): Promise<Principal | null> {
    const tokenHash = sha256(token);
    const now = Date.now();
    const found = await this.verifiedToken(tokenHash, now);
    if (!found) return null;
    if (!found.lastUsedAt || now - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.db.apiToken.update({ where: { id: found.id }, data: { lastUsedAt: new Date(now) } });
      found.lastUsedAt = new Date(now);
    }
    return { kind: "token", tokenId: found.id, name: found.name, scope: found.scope };
  }

  private async verifiedToken(tokenHash: string, now: number): Promise<CachedToken | null> {
    const cached = this.tokens.get(tokenHash);
    if (cached && now - cached.verifiedAt < TOKEN_CACHE_MS) return cached;
    this.tokens.delete(tokenHash);
    const found = await this.db.apiToken.findUnique({
      where: { tokenHash },
      select: { id: true, name: true, scope: true, revokedAt: true, lastUsedAt: true },
    });
    if (!found || found.revokedAt) return null;
    const verified = { ...found, scope: scopeOf(found.scope), verifiedAt: now };
    if (this.tokens.size >= TOKEN_CACHE_MAX) this.tokens.clear();
    this.tokens.set(tokenHash, verified);
    return verified;
  }
}

function summarise(token: Prisma.ApiTokenGetPayload<{ select: typeof tokenSelect }>): ApiTokenSummary {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scope: scopeOf(token.scope),
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}

/** The column is free text in SQLite; anything unknown gets the least power, not an error. */
function scopeOf(stored: string): TokenScope {
  const parsed = tokenScopeSchema.safeParse(stored);
  return parsed.success ? parsed.data : "read";
}
