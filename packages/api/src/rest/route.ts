import type { z } from "zod";
import type { Context } from "../trpc/context.js";
import type { createCaller } from "./caller.js";

export interface RestRequest {
  caller: ReturnType<typeof createCaller>;
  ctx: Context;
  /** The parsed JSON body (undefined when empty). */
  body: () => Promise<unknown>;
  query: URLSearchParams;
  params: Record<string, string>;
  /** The whole route table, for the OpenAPI document. */
  routes: readonly RestRoute[];
}

export type RestResult =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string };

export interface RestRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** OpenAPI style: /api/messages/{id} */
  path: string;
  summary: string;
  /** Public routes (login, health) skip the auth check; everything else needs a cookie or token. */
  isPublic?: boolean;
  requestBody?: z.ZodType;
  query?: z.ZodObject;
  successStatus: number;
  handle(request: RestRequest): Promise<RestResult>;
}
