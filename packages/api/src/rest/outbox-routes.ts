/** Pause and resume the whole outbox, and the cached on-WhatsApp answers. */
import { onWhatsAppNumberInput, pauseOutboxInput } from "@kabar/core/schemas";
import type { RestRoute } from "./route.js";

export const outboxRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/api/outbox",
    access: "read",
    summary: "Whether the outbox is paused, and why",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: await caller.outbox.state() }),
  },
  {
    method: "POST",
    path: "/api/outbox/pause",
    access: "send",
    summary: 'Pause all sending until resume, also across restarts; optional body { "reason" }',
    requestBody: pauseOutboxInput,
    successStatus: 200,
    handle: async ({ caller, body }) => ({
      status: 200,
      json: await caller.outbox.pause(pauseOutboxInput.parse((await body()) ?? {})),
    }),
  },
  {
    method: "POST",
    path: "/api/outbox/resume",
    access: "send",
    summary: "End the pause by hand and an account-level 463 pause",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: await caller.outbox.resume() }),
  },
  {
    method: "GET",
    path: "/api/on-whatsapp",
    access: "read",
    summary: "Cached on-WhatsApp answers per number, with when each expires (yes: 7 days, no: 1 day)",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: { answers: await caller.onWhatsApp.list() } }),
  },
  {
    method: "DELETE",
    path: "/api/on-whatsapp/{number}",
    access: "send",
    summary: "Forget one number's on-WhatsApp answer; the next message looks it up again",
    successStatus: 200,
    handle: async ({ caller, params }) => ({
      status: 200,
      json: await caller.onWhatsApp.clear(onWhatsAppNumberInput.parse({ number: params.number })),
    }),
  },
];
