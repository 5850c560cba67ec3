/** Hand-written REST on node:http: matches a route, checks auth, runs it, answers JSON errors uniformly. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { forbiddenMessage, mayCall } from "../auth/access.js";
import { describeError, toTRPCError, UNAUTHENTICATED_MESSAGE } from "../errors.js";
import { bodyTooLarge, HttpError, readJsonBody, readSizedJsonBody, sendJson } from "../http/json.js";
import { type ApiDeps, contextFromRequest } from "../trpc/context.js";
import { createCaller } from "./caller.js";
import { accessOf, type RestRoute } from "./route.js";
import { restRoutes } from "./routes.js";

interface CompiledRoute {
  route: RestRoute;
  pattern: RegExp;
  names: string[];
}

function compile(route: RestRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, {
      code: "INVALID_PATH",
      message: `"${segment}" is not a valid URL path segment.`,
    });
  }
}

/** MAX_BODY_BYTES, or a route's larger limit for the bodies it takes large (see RestRoute.largeBody). */
async function readBody(req: IncomingMessage, route: RestRoute, maxBytes: number): Promise<unknown> {
  const large = route.largeBody;
  if (!large || large.maxBytes <= maxBytes) return readJsonBody(req, maxBytes);
  const tooLarge = new HttpError(413, { code: "PAYLOAD_TOO_LARGE", message: large.tooLargeMessage });
  const { value, size } = await readSizedJsonBody(req, large.maxBytes, tooLarge);
  if (size > maxBytes && !large.accepts(value)) throw bodyTooLarge(maxBytes);
  return value;
}

export function createRestHandler(deps: ApiDeps, routes: readonly RestRoute[] = restRoutes) {
  const compiled = routes.map(compile);

  /** Answers and returns true when the path is a REST route; false lets the next handler try. */
  return async function handleRest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const candidates = compiled
      .map((entry) => ({ entry, match: entry.pattern.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null);
    if (candidates.length === 0) return false;
    const found = candidates.find((candidate) => candidate.entry.route.method === req.method);
    if (!found?.match) {
      const allow = candidates.map((candidate) => candidate.entry.route.method).join(", ");
      sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: `Use ${allow} here.` } }, { allow });
      return true;
    }
    const { route, names } = found.entry;
    try {
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = decodePathSegment(found.match?.[index + 1] ?? "");
      });
      const ctx = await contextFromRequest(deps, req, res);
      const access = accessOf(route);
      if (access !== "anonymous" && !ctx.principal) {
        sendJson(res, 401, { error: { code: "UNAUTHORIZED", message: UNAUTHENTICATED_MESSAGE } });
        return true;
      }
      if (ctx.principal && !mayCall(ctx.principal, access)) {
        sendJson(res, 403, {
          error: { code: "FORBIDDEN", message: forbiddenMessage(ctx.principal, access) },
        });
        return true;
      }
      const result = await route.handle({
        caller: createCaller(ctx),
        ctx,
        body: () => readBody(req, route, deps.env.MAX_BODY_BYTES),
        raw: req,
        query: url.searchParams,
        params,
        routes,
        request: req,
      });
      if ("json" in result) {
        sendJson(res, result.status, result.json, result.headers);
      } else if ("stream" in result) {
        await sendStream(res, result);
      } else {
        res.writeHead(result.status, { "content-type": result.contentType, "cache-control": "no-store" });
        res.end(result.text);
      }
    } catch (error) {
      if (res.headersSent) {
        // a streamed answer failed half-way: cut it short rather than end it as if complete
        deps.logger.error({ err: error, route: route.path }, "REST stream failed");
        res.destroy();
        return true;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, { error: error.body }, { ...error.headers, connection: "close" });
        return true;
      }
      const { status, body } = describeError(toTRPCError(error));
      if (status >= 500) deps.logger.error({ err: error, route: route.path }, "REST request failed");
      sendJson(res, status, { error: body });
    }
    return true;
  };
}

/**
 * Writes a streamed answer, waiting for the socket to take each chunk (backpressure). The status is
 * sent with the first chunk, so an error while producing it (say, an unknown id) still gets its JSON
 * answer; later, the response can only be cut short.
 */
async function sendStream(
  res: ServerResponse,
  result: {
    status: number;
    stream: AsyncIterable<string>;
    contentType: string;
    headers?: Record<string, string>;
  },
): Promise<void> {
  for await (const chunk of result.stream) {
    if (!res.headersSent) {
      res.writeHead(result.status, {
        "content-type": result.contentType,
        "cache-control": "no-store",
        ...result.headers,
      });
    }
    if (!res.write(chunk)) await new Promise<void>((resolve) => res.once("drain", resolve));
    if (res.destroyed) return;
  }
  if (!res.headersSent)
    res.writeHead(result.status, {
      "content-type": result.contentType,
      "cache-control": "no-store",
      ...result.headers,
    });
  res.end();
}

/** For the request guard: which method + path takes multipart uploads. */
export function restAcceptsMultipart(routes: readonly RestRoute[]) {
  const uploads = routes.filter((route) => route.bodyType === "multipart").map(compile);
  return (method: string, pathname: string) =>
    uploads.some((entry) => entry.route.method === method && entry.pattern.test(pathname));
}
