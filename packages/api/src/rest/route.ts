import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import type { Access } from "../auth/access.js";
import type { Context } from "../trpc/context.js";
import type { createCaller } from "./caller.js";

export interface RestRequest {
  caller: ReturnType<typeof createCaller>;
  ctx: Context;
  /** The parsed JSON body (undefined when empty). */
  body: () => Promise<unknown>;
  /** The request itself, for a route that reads its body as a stream (multipart uploads). */
  raw: IncomingMessage;
  query: URLSearchParams;
  params: Record<string, string>;
  /** The whole route table, for the OpenAPI document. */
  routes: readonly RestRoute[];
  /** The request itself, for routes that stream their body (bodyType "multipart"). */
  request: IncomingMessage;
}

export type RestResult =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string }
  /** Written chunk by chunk as it is produced (a report of 50,000 rows is never held whole). */
  | { status: number; stream: AsyncIterable<string>; contentType: string; headers?: Record<string, string> };

export interface RestRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** OpenAPI style: /api/messages/{id} */
  path: string;
  summary: string;
  /**
   * Who may call it (see access.ts); the procedure it calls checks again. Unset: "anonymous" when
   * isPublic, else "read" (any token), as routes from before scopes meant.
   */
  access?: Access;
  /** Before scopes: true for login and health. Prefer `access: "anonymous"`. */
  isPublic?: boolean;
  requestBody?: z.ZodType;
  /** "multipart": takes multipart/form-data uploads (only with a token or from the panel itself); default JSON. */
  bodyType?: "json" | "multipart";
  /** The form fields of a multipart route, for the OpenAPI document; `binary` marks a file. */
  multipartFields?: Record<string, { isRequired: boolean; isBinary?: boolean; description: string }>;
  /**
   * Bodies past MAX_BODY_BYTES, up to maxBytes, that this route takes when `accepts` says so (base64
   * media); any other large body still gets MAX_BODY_BYTES' 413. `tooLargeMessage`: past maxBytes.
   */
  largeBody?: { maxBytes: number; tooLargeMessage: string; accepts(body: unknown): boolean };
  query?: z.ZodObject;
  successStatus: number;
  handle(request: RestRequest): Promise<RestResult>;
}

/** The level a route needs, whichever way it was declared. */
export function accessOf(route: Pick<RestRoute, "access" | "isPublic">): Access {
  return route.access ?? (route.isPublic ? "anonymous" : "read");
}
