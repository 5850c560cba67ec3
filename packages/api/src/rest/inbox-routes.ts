import { contactInput } from "@kabar/core/schemas";
import { listInboundRoute } from "./message-routes.js";
import type { RestRoute } from "./route.js";

export const inboxRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/api/inbox",
    summary: "Messages contacts sent, latest first: ?from=628…&limit=1..100&cursor=<id>",
    ...listInboundRoute,
  },
  {
    method: "GET",
    path: "/api/opt-outs",
    access: "read",
    summary: "Numbers on the opt-out list, newest first",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: { items: await caller.optOuts.list() } }),
  },
  {
    method: "POST",
    path: "/api/opt-outs",
    access: "send",
    summary: "Put a number ({phone}) on the opt-out list; single sends to it then answer 409",
    requestBody: contactInput,
    successStatus: 201,
    handle: async ({ caller, body }) => ({
      status: 201,
      json: await caller.optOuts.add(contactInput.parse(await body())),
    }),
  },
  {
    method: "DELETE",
    path: "/api/opt-outs",
    access: "send",
    summary: "Take a number (?phone=) off the opt-out list",
    query: contactInput,
    successStatus: 200,
    handle: async ({ caller, query }) => ({
      status: 200,
      json: await caller.optOuts.remove(contactInput.parse({ phone: query.get("phone") ?? undefined })),
    }),
  },
];
