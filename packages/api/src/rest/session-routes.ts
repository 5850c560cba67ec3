/** The seed's session endpoints, exactly as its scripts call them. */
import { connectSessionInput, createSessionInput, updateSessionInput } from "@kabar/core/schemas";
import { deleteSessionInput } from "../routers/session/delete-session.js";
import type { RestRoute } from "./route.js";

const BASE = "/api/admin/whatsapp-sessions";

export const sessionRoutes: RestRoute[] = [
  {
    method: "GET",
    path: BASE,
    access: "admin",
    summary: "All WhatsApp sessions (there is at most one)",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: { sessions: await caller.session.list() } }),
  },
  {
    method: "POST",
    path: BASE,
    access: "admin",
    summary: "Create the session; a second one is refused with 409",
    requestBody: createSessionInput,
    successStatus: 201,
    handle: async ({ caller, body }) => ({
      status: 201,
      json: { session: await caller.session.create(createSessionInput.parse(await body())) },
    }),
  },
  {
    method: "PUT",
    path: BASE,
    access: "admin",
    summary: "Update the session (same body plus id)",
    requestBody: updateSessionInput,
    successStatus: 200,
    handle: async ({ caller, body }) => ({
      status: 200,
      json: { session: await caller.session.update(updateSessionInput.parse(await body())) },
    }),
  },
  {
    method: "DELETE",
    path: BASE,
    access: "admin",
    summary: "Delete a session by ?id=; the default session is refused with a message",
    query: deleteSessionInput,
    successStatus: 200,
    handle: async ({ caller, query }) => ({
      status: 200,
      json: await caller.session.delete(deleteSessionInput.parse({ id: query.get("id") ?? undefined })),
    }),
  },
  {
    method: "GET",
    path: `${BASE}/status`,
    access: "admin",
    summary: "State, current QR and its expiry, linked number, last disconnect reason",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: await caller.session.status() }),
  },
  {
    method: "POST",
    path: `${BASE}/connect`,
    access: "admin",
    summary: "Connect: a QR, or a pairing code when phoneNumber is given",
    requestBody: connectSessionInput,
    successStatus: 200,
    handle: async ({ caller, body }) => {
      const input = connectSessionInput.optional().parse(await body());
      return { status: 200, json: await caller.session.connect(input) };
    },
  },
  {
    method: "POST",
    path: `${BASE}/take-over`,
    access: "admin",
    summary: "Use this server: reconnect on purpose after another client replaced the session",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: await caller.session.takeOver() }),
  },
  {
    method: "POST",
    path: `${BASE}/logout`,
    access: "admin",
    summary: "Unlink the device; the next connect needs a new QR",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: await caller.session.logout() }),
  },
];
