/**
 * createContextInner builds a context without HTTP (caller tests use it); createContextFactory
 * reads the cookie / bearer token and the client address from a request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { AlertMailer } from "../alerts/alert-mailer.js";
import { type AuthService, credentialKey, type Principal } from "../auth/auth-service.js";
import { ADMIN_COOKIE, readBearer, readCookie } from "../auth/cookies.js";
import type { LoginLimiter } from "../auth/login-limiter.js";
import type { Env } from "../env.js";
import { clientIpOf } from "../http/client-address.js";
import type { Kabar } from "../kabar.js";
import type { WebhookService } from "../webhooks/webhook-service.js";

export interface ServerMeta {
  simulated: boolean;
  /** The simulator's control API, for the panel's "scan with the simulated phone" button. */
  simulatorControlUrl: string | null;
}

/** Everything the server is built from; one set per process (or per test). */
export interface ApiDeps {
  kabar: Kabar;
  auth: AuthService;
  env: Env;
  logger: Logger;
  loginLimiter: LoginLimiter;
  webhooks: WebhookService;
  /** Null when SMTP_URL or ALERT_EMAIL_TO is not set: alerts then go to webhooks only. */
  alertMailer: AlertMailer | null;
  meta: ServerMeta;
}

/** The parts of a response a procedure may touch: the login cookie and Retry-After. */
export interface ResponseHeaders {
  setHeader(name: string, value: string): void;
}

export interface Context extends ApiDeps {
  principal: Principal | null;
  /** The raw admin cookie, so logout can end exactly this session. */
  adminCookie: string | null;
  /** Names the credential used (never the credential itself), so a stream can end with it. */
  credentialKey: string | null;
  /** Authenticates the same credential again: false once it was revoked, logged out or expired. */
  isStillAuthenticated(): Promise<boolean>;
  clientIp: string;
  response: ResponseHeaders;
}

export interface RequestParts {
  principal?: Principal | null;
  adminCookie?: string | null;
  credentialKey?: string | null;
  isStillAuthenticated?: () => Promise<boolean>;
  clientIp?: string;
  response?: ResponseHeaders;
}

export function createContextInner(deps: ApiDeps, request: RequestParts = {}): Context {
  return {
    ...deps,
    principal: request.principal ?? null,
    adminCookie: request.adminCookie ?? null,
    credentialKey: request.credentialKey ?? null,
    isStillAuthenticated: request.isStillAuthenticated ?? (async () => true),
    clientIp: request.clientIp ?? "127.0.0.1",
    response: request.response ?? { setHeader: () => {} },
  };
}

export async function contextFromRequest(
  deps: ApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Context> {
  const adminCookie = readCookie(req.headers.cookie, ADMIN_COOKIE);
  const credentials = { cookie: adminCookie, bearer: readBearer(req.headers.authorization) };
  const principal = await deps.auth.authenticate(credentials);
  return createContextInner(deps, {
    principal,
    adminCookie,
    credentialKey: credentialKey(credentials),
    isStillAuthenticated: async () => (await deps.auth.authenticate(credentials)) !== null,
    clientIp: clientIpOf(req, deps.env.TRUST_PROXY),
    response: { setHeader: (name, value) => res.setHeader(name, value) },
  });
}
