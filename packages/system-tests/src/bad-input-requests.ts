/**
 * The request-level half of the bad inputs: every authenticated route and procedure with missing,
 * invalid and revoked credentials, and bodies that are not JSON or are several MB.
 */
import type { BadInput } from "./bad-inputs.js";
import { type Procedure, rest, trpcMutation, trpcQuery } from "./bad-input-targets.js";

const AUTHENTICATED: Procedure[] = [
  rest("GET", "/api/admin/whatsapp-sessions"),
  rest("POST", "/api/admin/whatsapp-sessions"),
  rest("PUT", "/api/admin/whatsapp-sessions"),
  rest("DELETE", "/api/admin/whatsapp-sessions?id=x"),
  rest("GET", "/api/admin/whatsapp-sessions/status"),
  rest("POST", "/api/admin/whatsapp-sessions/connect"),
  rest("POST", "/api/admin/whatsapp-sessions/logout"),
  rest("POST", "/api/messages"),
  rest("GET", "/api/messages/abc"),
  rest("GET", "/metrics"),
  ...[
    "session.list",
    "session.get",
    "session.status",
    "messages.list",
    "messages.get",
    "tokens.list",
    "settings.get",
    "webhooks.list",
    "auth.me",
  ].map((name) => trpcQuery(name)),
  ...[
    "session.create",
    "session.update",
    "session.delete",
    "session.connect",
    "session.disconnect",
    "session.logout",
    "session.refreshQr",
    "session.requestPairingCode",
    "messages.send",
    "messages.resend",
    "tokens.create",
    "tokens.revoke",
    "settings.update",
    "webhooks.create",
    "webhooks.delete",
  ].map((name) => trpcMutation(name)),
];

export function credentialCases(): BadInput[] {
  return AUTHENTICATED.flatMap((target) =>
    (["none", "invalid", "revoked"] as const).map(
      (credential): BadInput => ({
        name: `${target.method} ${target.route} with ${credential} credentials`,
        ...target,
        credential,
        input: { to: "081234567890", message: "Halo", name: "X", sessionId: "sesi_x", id: "x" },
      }),
    ),
  );
}

export function bodyCases(): BadInput[] {
  const posts: Procedure[] = [
    rest("POST", "/api/messages"),
    rest("POST", "/api/admin/whatsapp-sessions"),
    rest("PUT", "/api/admin/whatsapp-sessions"),
    rest("POST", "/api/auth/login", "none"),
    trpcMutation("messages.send"),
    trpcMutation("session.create"),
  ];
  const huge = JSON.stringify({ to: "081234567890", message: "x".repeat(3 * 1024 * 1024) });
  return posts.flatMap((target) => [
    { name: `${target.route} 3 MB body`, ...target, rawBody: huge },
    ...["{", "null", "[]", '"text"', "{'single': 'quotes'}"].map(
      (rawBody): BadInput => ({ name: `${target.route} body ${rawBody}`, ...target, rawBody }),
    ),
  ]);
}
