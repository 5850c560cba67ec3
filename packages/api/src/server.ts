/**
 * The composition root of the HTTP edge: one node:http server, one port, serving tRPC at /trpc
 * (queries, mutations, SSE subscriptions), the REST routes, and the admin panel at /.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Options as HashOptions } from "@node-rs/argon2";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { Logger } from "pino";
import { AuthService } from "./auth/auth-service.js";
import { LoginLimiter } from "./auth/login-limiter.js";
import type { Env } from "./env.js";
import { HttpError, sendJson } from "./http/json.js";
import { isTrustingProxies } from "./http/client-address.js";
import { guardRequest } from "./http/request-guard.js";
import { applySecurityHeaders, securityHeaders } from "./http/security-headers.js";
import { createStaticHandler } from "./http/static-files.js";
import type { Kabar, PrismaClient } from "./kabar.js";
import { createRestHandler, restAcceptsMultipart } from "./rest/rest-handler.js";
import { restRoutes } from "./rest/routes.js";
import { appRouter } from "./routers/app-router.js";
import { type ApiDeps, contextFromRequest, type ServerMeta } from "./trpc/context.js";
import { anonymousProcedures, callsSendMedia, guardBatch, MAX_BATCH_SIZE } from "./trpc/batch-guard.js";
import { JSON_MEDIA_BODY } from "./routers/messages/send-media.js";
import { watchLatestEventId } from "./trpc/events.js";
import { WebhookService } from "./webhooks/webhook-service.js";
import { createAlertMailer } from "./alerts/alert-mailer.js";

export interface ServerOptions {
  kabar: Kabar;
  db: PrismaClient;
  env: Env;
  logger: Logger;
  meta?: ServerMeta;
  /** argon2 parameters; tests lower the cost, production keeps the library's defaults. */
  passwordHashing?: HashOptions;
}

export interface KabarServer {
  deps: ApiDeps;
  /** Resolves with the bound port (pass 0 for any free one). Rejects with the listen error, e.g. EADDRINUSE. */
  listen(port?: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

export function createApiDeps(options: ServerOptions): ApiDeps {
  return {
    kabar: options.kabar,
    auth: new AuthService(options.db, {
      sessionDays: options.env.ADMIN_SESSION_DAYS,
      changes: options.kabar.changes,
      ...(options.passwordHashing ? { hashOptions: options.passwordHashing } : {}),
    }),
    env: options.env,
    logger: options.logger,
    loginLimiter: new LoginLimiter(options.env.LOGIN_ATTEMPTS_PER_MINUTE),
    webhooks: new WebhookService(options.db, {
      logger: options.logger,
      allowPrivateAddresses: options.env.WEBHOOKS_ALLOW_PRIVATE,
      changes: options.kabar.changes,
    }),
    alertMailer:
      options.env.SMTP_URL && options.env.ALERT_EMAIL_TO
        ? createAlertMailer({
            smtpUrl: options.env.SMTP_URL,
            to: options.env.ALERT_EMAIL_TO,
            publicUrl: options.env.PUBLIC_URL,
            logger: options.logger,
            language: async () => (await options.kabar.settings.get()).alertLanguage,
          })
        : null,
    meta: options.meta ?? { simulated: false, simulatorControlUrl: null },
  };
}

/**
 * One line per request: the path without its query (tRPC GET inputs may hold personal data), never
 * headers. Reads and health checks at debug; changes and errors at info.
 */
function logRequest(logger: Logger, req: http.IncomingMessage, res: http.ServerResponse, startedAt: number) {
  const path = (req.url ?? "/").split("?")[0];
  const isNotable = req.method !== "GET" || res.statusCode >= 400;
  const line = {
    method: req.method,
    path,
    status: res.statusCode,
    ms: Math.round(performance.now() - startedAt),
  };
  if (isNotable) logger.info(line, "request");
  else logger.debug(line, "request");
}

export function createServer(options: ServerOptions): KabarServer {
  const deps = createApiDeps(options);
  const { logger } = deps;
  // Start tracking event ids now, so a subscription's first snapshot knows where the stream stands.
  watchLatestEventId(deps.kabar.events);

  const trpcHandler = (maxBodySize: number) =>
    createHTTPHandler({
      router: appRouter,
      basePath: "/trpc/",
      maxBodySize,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: ({ req, res }) => contextFromRequest(deps, req, res),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR")
          logger.error({ err: error, path }, "tRPC procedure failed");
      },
    });
  const handleTrpc = trpcHandler(deps.env.MAX_BODY_BYTES);
  // Only a call of messages.sendMedia may carry a base64 image; every other body keeps MAX_BODY_BYTES.
  const handleTrpcMedia = trpcHandler(Math.max(deps.env.MAX_BODY_BYTES, JSON_MEDIA_BODY.maxBytes));
  const handleRest = createRestHandler(deps);
  const anonymous = anonymousProcedures(appRouter);
  const handleStatic = createStaticHandler(deps.env.ADMIN_DIST_DIR);
  const headers = securityHeaders(deps.meta.simulatorControlUrl);
  const guardOptions = {
    acceptsMultipart: restAcceptsMultipart(restRoutes),
    isForwardedHostTrusted: isTrustingProxies(deps.env.TRUST_PROXY),
  };

  const server = http.createServer(async (req, res) => {
    const startedAt = performance.now();
    res.once("finish", () => logRequest(logger, req, res, startedAt));
    applySecurityHeaders(res, headers);
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      // Before any route or procedure: new routes get the CSRF checks without opting in.
      guardRequest(req, url.pathname, guardOptions);
      if (url.pathname === "/trpc" || url.pathname.startsWith("/trpc/")) {
        guardBatch(url, anonymous);
        return callsSendMedia(url) ? handleTrpcMedia(req, res) : handleTrpc(req, res);
      }
      if (await handleRest(req, res, url)) return;
      if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
        sendJson(res, 404, {
          error: { code: "NOT_FOUND", message: `No route ${req.method} ${url.pathname}.` },
        });
        return;
      }
      await handleStatic(req, res, url);
    } catch (error) {
      if (error instanceof HttpError) {
        sendJson(res, error.status, { error: error.body }, { connection: "close" });
        return;
      }
      logger.error({ err: error, url: req.url }, "request failed");
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: "INTERNAL_SERVER_ERROR", message: "Server error." } });
      else res.destroy();
    }
  });

  let stopWebhooks: (() => Promise<void>) | null = null;
  let stopAlertMails: (() => Promise<void>) | null = null;

  return {
    deps,
    async listen(port = deps.env.PORT, host = deps.env.HOST) {
      const admin = await deps.auth.ensureInitialAdmin(deps.env.ADMIN_PASSWORD);
      if (admin === "created" || admin === "updated")
        logger.info(`admin password ${admin} from ADMIN_PASSWORD`);
      if (admin === "needs-setup") {
        // Printed on purpose: whoever can read the server's log may set the first password from afar.
        const setupToken = deps.auth.issueSetupToken();
        logger.warn(
          `no admin yet: open the panel on this machine to set a password, or set ADMIN_PASSWORD; from another machine the panel asks for this one-time setup token: ${setupToken}`,
        );
      }
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      stopWebhooks ??= deps.webhooks.start(deps.kabar.events);
      stopAlertMails ??= deps.alertMailer?.start(deps.kabar.events) ?? null;
      const bound = (server.address() as AddressInfo).port;
      const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
      return { port: bound, url: `http://${shownHost}:${bound}` };
    },
    async close() {
      // Open SSE streams would hold close() forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopWebhooks?.();
      stopWebhooks = null;
      await stopAlertMails?.();
      stopAlertMails = null;
    },
  };
}
