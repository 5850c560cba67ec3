import { setImmediate as nextTurn } from "node:timers/promises";
import { listInboundInput, messageIdInput, sendMediaInput, sendMessageInput } from "@kabar/core/schemas";
import { z } from "zod";
import { JSON_MEDIA_BODY } from "../routers/messages/send-media.js";
import { queueText } from "../routers/messages/send-message.js";
import { UNAUTHENTICATED_MESSAGE } from "../errors.js";
import { HttpError } from "../http/json.js";
import { sendUploadedMediaRoute } from "./media-upload-route.js";
import type { RestRoute } from "./route.js";

/** A text (`message`) or, when the body has `media`, an image or document as base64. */
const sendBody = z.union([sendMessageInput, sendMediaInput]);

function hasMedia(body: unknown): boolean {
  return typeof body === "object" && body !== null && "media" in body;
}

/** Query strings carry text: the same rules as `messages.inbound`, with the limit read as a number. */
export const inboundQuery = listInboundInput.extend({
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

/** Inbound messages as REST answers them, at /api/messages/inbound and the inbox's /api/inbox. */
export const listInboundRoute: Pick<RestRoute, "access" | "query" | "successStatus" | "handle"> = {
  access: "read",
  query: inboundQuery,
  successStatus: 200,
  handle: async ({ caller, query }) => ({
    status: 200,
    json: await caller.messages.inbound(inboundQuery.parse(Object.fromEntries(query))),
  }),
};

export const messageRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/api/messages",
    access: "send",
    summary:
      "Queue a text {to, message}, or an image/document {to, media: {data: <base64>, mimeType, fileName?}, caption?}; 202 with its id and status",
    requestBody: sendBody,
    largeBody: { ...JSON_MEDIA_BODY, accepts: hasMedia },
    successStatus: 202,
    handle: async ({ caller, ctx, body }) => {
      const input = await body();
      if (hasMedia(input)) {
        const queued = await caller.messages.sendMedia(sendMediaInput.parse(input));
        return { status: 202, json: { id: queued.id, status: queued.status } };
      }
      // A text skips the tRPC caller (its middleware and a second parse of the same body): the REST
      // handler has checked the "send" access (401 without a principal), and core validates again.
      if (!ctx.principal)
        throw new HttpError(401, { code: "UNAUTHORIZED", message: UNAUTHENTICATED_MESSAGE });
      const result = await queueText(ctx.kabar, ctx.principal, sendMessageInput.parse(input));
      // A message handed straight to the sender is on its way to WhatsApp in this same turn of the
      // event loop, up to its first wait for an answer; the 202 is written after that, not in between
      // (writing it first held the message's first frame back by the answer's ~0.2 ms; figure 8).
      await nextTurn();
      return { status: 202, json: { id: result.id, status: result.status } };
    },
  },
  sendUploadedMediaRoute,
  {
    // before /api/messages/{id}, which would otherwise take "inbound" for an id
    method: "GET",
    path: "/api/messages/inbound",
    summary: "Messages contacts sent, newest first: ?from=<number>&limit=1..100&cursor=<id>",
    ...listInboundRoute,
  },
  {
    method: "GET",
    path: "/api/messages/{id}",
    access: "read",
    summary: "One message with its status history",
    successStatus: 200,
    handle: async ({ caller, params }) => ({
      status: 200,
      json: await caller.messages.get(messageIdInput.parse({ id: params.id })),
    }),
  },
  {
    method: "POST",
    path: "/api/messages/{id}/cancel",
    access: "send",
    summary: "Cancel a queued or held message; 409 naming its status otherwise",
    successStatus: 200,
    handle: async ({ caller, params }) => ({
      status: 200,
      json: await caller.messages.cancel(messageIdInput.parse({ id: params.id })),
    }),
  },
];
