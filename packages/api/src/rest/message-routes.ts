import { messageIdInput, sendMessageInput } from "@kabar/core/schemas";
import type { RestRoute } from "./route.js";

export const messageRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/api/messages",
    summary: "Queue a text message; 202 with its id and status",
    requestBody: sendMessageInput,
    successStatus: 202,
    handle: async ({ caller, body }) => {
      const result = await caller.messages.send(sendMessageInput.parse(await body()));
      return { status: 202, json: { id: result.id, status: result.status } };
    },
  },
  {
    method: "GET",
    path: "/api/messages/{id}",
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
    summary: "Cancel a queued or held message; 409 naming its status otherwise",
    successStatus: 200,
    handle: async ({ caller, params }) => ({
      status: 200,
      json: await caller.messages.cancel(messageIdInput.parse({ id: params.id })),
    }),
  },
];
