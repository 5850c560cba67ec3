/**
 * The generated malformed inputs of the bad-input suite: every REST route and tRPC procedure that
 * takes input gets wrong shapes, wrong types, missing fields, oversize text and hostile strings;
 * every authenticated one also gets missing, invalid and revoked credentials.
 */
import { bodyCases, credentialCases } from "./bad-input-requests.js";
import { type Procedure, rest, trpcMutation, trpcQuery } from "./bad-input-targets.js";

export type { Credential } from "./bad-input-targets.js";

import type { Credential } from "./bad-input-targets.js";

export interface BadInput {
  name: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** A REST path, or `trpc:<procedure>` (mutations POST the input, queries GET ?input=). */
  route: string;
  credential: Credential;
  input?: unknown;
  rawBody?: string;
  /** The field a clear message must name, when there is one. */
  field?: string;
}

/** A marker in every hostile path, so the suite can look for anything written under such a name. */
export const MARKER = `kabar-bad-input-${process.pid}`;

export const badPhoneNumbers: unknown[] = [
  "",
  " ",
  "abc",
  "+",
  "++6281234567890",
  "0",
  "123",
  "62-",
  "9".repeat(40),
  "0812-3456-7890xyz",
  "+62 812 3456 7890 ☎",
  "😀😀😀",
  `6281\u00002345678`,
  "<script>alert(1)</script>",
  `../${MARKER}`,
  `/tmp/${MARKER}`,
  "DROP TABLE OutboxMessage;--",
  6281234567890,
  null,
  true,
  [],
  { number: "6281234567890" },
  "+999 1234 5678",
  "+62 0",
];
export const badSessionIds: unknown[] = [
  `../${MARKER}`,
  `../../${MARKER}`,
  `/tmp/${MARKER}`,
  `..`,
  `.`,
  "a/b",
  "a\\b",
  "AB_UPPER",
  "ab",
  "x".repeat(65),
  "sesi-dengan-strip",
  "sesi spasi",
  `sesi\u0000nul`,
  "séssion",
  "会话_一",
  "",
  42,
  null,
  ["main"],
  { id: "main" },
];
const longText = "x".repeat(4097);

function each(
  target: Procedure,
  label: string,
  inputs: unknown[],
  build: (value: unknown) => unknown,
  field?: string,
): BadInput[] {
  return inputs.map((value, index) => ({
    name: `${target.method} ${target.route} ${label} #${index} ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`,
    ...target,
    input: build(value),
    ...(field ? { field } : {}),
  }));
}

function messageCases(target: Procedure): BadInput[] {
  return [
    ...each(target, "to", badPhoneNumbers, (to) => ({ to, message: "Halo" }), "to"),
    ...each(
      target,
      "message",
      ["", longText, 5, null, ["Halo"], { text: "Halo" }],
      (message) => ({ to: "081234567890", message }),
      "message",
    ),
    ...each(
      target,
      "idempotencyKey",
      ["", "k".repeat(201), 7],
      (idempotencyKey) => ({ to: "081234567890", message: "Halo", idempotencyKey }),
      "idempotencyKey",
    ),
    ...each(
      target,
      "sessionName",
      ["s".repeat(101), 3],
      (sessionName) => ({ to: "081234567890", message: "Halo", sessionName }),
      "sessionName",
    ),
    ...each(
      target,
      "force",
      ["yes", 1, null],
      (force) => ({ to: "081234567890", message: "Halo", force }),
      "force",
    ),
    { name: `${target.route} missing to`, ...target, input: { message: "Halo" }, field: "to" },
    { name: `${target.route} missing message`, ...target, input: { to: "081234567890" }, field: "message" },
  ];
}

function sessionCases(
  create: Procedure,
  update: Procedure,
  remove: Procedure,
  connect: Procedure,
): BadInput[] {
  const valid = { name: "Sesi Lain", sessionId: "sesi_lain" };
  return [
    ...each(create, "sessionId", badSessionIds, (sessionId) => ({ ...valid, sessionId }), "sessionId"),
    ...each(create, "name", ["", " ", "n".repeat(101), 1, null], (name) => ({ ...valid, name }), "name"),
    ...each(
      create,
      "phoneNumber",
      // A number in any form a recipient may take is valid (the seed's "+62…" included); these are not.
      ["+62 812", "+6281234567890123", "0812", "abc", 6281234567890],
      (phoneNumber) => ({ ...valid, phoneNumber }),
      "phoneNumber",
    ),
    ...each(
      create,
      "description",
      ["d".repeat(501), 5],
      (description) => ({ ...valid, description }),
      "description",
    ),
    ...each(create, "isActive", ["yes", 1], (isActive) => ({ ...valid, isActive }), "isActive"),
    { name: `${create.route} empty object`, ...create, input: {} },
    ...each(update, "id", [undefined, "", 12, null], (id) => ({ id, name: "X" }), "id"),
    ...each(
      update,
      "sessionId",
      badSessionIds.slice(0, 12),
      (sessionId) => ({ id: "no-such-id", sessionId }),
      "sessionId",
    ),
    ...each(update, "unknown id", [`../${MARKER}`, "no-such-session"], (id) => ({ id, name: "Baru" })),
    ...(remove.route.startsWith("trpc:")
      ? each(remove, "id", ["", 5, null, `../${MARKER}`], (id) => ({ id }))
      : []),
    ...each(
      connect,
      "phoneNumber",
      ["", "p".repeat(33), 62812, { n: 1 }],
      (phoneNumber) => ({ phoneNumber }),
      "phoneNumber",
    ),
  ];
}

function restDeleteCases(): BadInput[] {
  return ["", `..%2F${MARKER}`, "%00", "no-such-session", encodeURIComponent("会话")].map((id) => ({
    name: `DELETE sessions ?id=${id}`,
    method: "DELETE",
    route: `/api/admin/whatsapp-sessions?id=${id}`,
    credential: "token",
  }));
}

function otherProcedureCases(): BadInput[] {
  const idCases = (target: Procedure) =>
    each(target, "id", ["", 5, null, "i".repeat(101), "no-such-message", `../../${MARKER}`], (id) => ({
      id,
    }));
  return [
    ...idCases(trpcQuery("messages.get")),
    ...idCases(trpcMutation("messages.resend")),
    ...idCases(trpcMutation("messages.cancel")),
    ...each(
      trpcMutation("outbox.pause"),
      "reason",
      ["", " ", 5, null, "r".repeat(201), ["x"]],
      (reason) => ({ reason }),
      "reason",
    ),
    ...each(trpcMutation("outbox.pause"), "unknown field", [1], (until) => ({ until })),
    ...each(
      trpcMutation("onWhatsApp.clear"),
      "number",
      ["", 5, null, "9".repeat(40)],
      (number) => ({ number }),
      "number",
    ),
    ...each(
      rest("POST", "/api/outbox/pause"),
      "reason",
      ["", 5, "r".repeat(201)],
      (reason) => ({ reason }),
      "reason",
    ),
    ...[`..%2F..%2F${MARKER}`, "%00", "i".repeat(300), "no-such-message"].map(
      (id): BadInput => ({
        name: `POST /api/messages/${id.slice(0, 20)}/cancel`,
        method: "POST",
        route: `/api/messages/${id}/cancel`,
        credential: "token",
      }),
    ),
    ...each(trpcQuery("messages.list"), "limit", [0, 101, 1.5, "10", -1], (limit) => ({ limit }), "limit"),
    ...each(trpcQuery("messages.list"), "status", ["lost", 3], (status) => ({ status }), "status"),
    ...each(trpcQuery("messages.list"), "search", ["s".repeat(201)], (search) => ({ search }), "search"),
    ...each(trpcQuery("messages.inbound"), "limit", [0, 101, 1.5, "10", -1], (limit) => ({ limit }), "limit"),
    ...each(trpcQuery("messages.inbound"), "from", ["f".repeat(33), 62812], (from) => ({ from }), "from"),
    ...each(trpcQuery("messages.inbound"), "cursor", ["c".repeat(101), "no-such-message"], (cursor) => ({
      cursor,
    })),
    ...["limit=0", "limit=101", "limit=ten", `from=${"f".repeat(33)}`, "cursor=no-such-message"].map(
      (query): BadInput => ({
        name: `GET /api/messages/inbound?${query.slice(0, 20)}`,
        method: "GET",
        route: `/api/messages/inbound?${query}`,
        credential: "token",
      }),
    ),
    ...each(
      trpcMutation("session.requestPairingCode"),
      "phoneNumber",
      ["", "abc", 1, null],
      (phoneNumber) => ({ phoneNumber }),
      "phoneNumber",
    ),
    ...each(
      trpcMutation("settings.update", "admin"),
      "fields",
      [
        { minGapMs: -1 },
        { maxGapMs: "1" },
        { dailyCap: 1.5 },
        { defaultCountry: "idn" },
        { defaultCountry: "../" },
        { checkOnWhatsApp: "true" },
        { perRecipientGapMs: 86_400_001 },
      ],
      (value) => value,
    ),
    ...each(trpcMutation("optOuts.add"), "phone", badPhoneNumbers, (phone) => ({ phone }), "phone"),
    ...each(rest("POST", "/api/opt-outs"), "phone", badPhoneNumbers, (phone) => ({ phone }), "phone"),
    ...each(trpcMutation("optOuts.remove"), "phone", ["", 5, null], (phone) => ({ phone }), "phone"),
    ...each(trpcQuery("inbox.thread"), "phone", ["", 5, "p".repeat(33)], (phone) => ({ phone }), "phone"),
    ...each(trpcMutation("inbox.markRead"), "phone", ["", null], (phone) => ({ phone }), "phone"),
    ...each(
      trpcMutation("inbox.reply"),
      "message",
      ["", 5, "m".repeat(4097)],
      (message) => ({ phone: "6281234567890", message }),
      "message",
    ),
    ...each(
      trpcMutation("autoReplies.set"),
      "keyword",
      ["", " ", 5, "k".repeat(51)],
      (keyword) => ({ keyword, reply: "Info lomba" }),
      "keyword",
    ),
    ...each(
      trpcMutation("autoReplies.set"),
      "reply",
      ["", 5, "r".repeat(4097)],
      (reply) => ({ keyword: "INFO", reply }),
      "reply",
    ),
    ...each(
      trpcMutation("settings.update", "admin"),
      "inbox settings",
      [
        { optOutKeywords: [] },
        { optOutKeywords: [""] },
        { optInKeywords: "MULAI" },
        { optOutReply: "" },
        { alertLanguage: "fr" },
        { alertDisconnectedMs: 5 },
      ],
      (value) => value,
    ),
    ...["limit=0", "limit=101", `from=${"f".repeat(33)}`, "cursor=no-such-message"].map(
      (query): BadInput => ({
        name: `GET /api/inbox?${query.slice(0, 20)}`,
        method: "GET",
        route: `/api/inbox?${query}`,
        credential: "token",
      }),
    ),
    ...each(
      trpcMutation("tokens.create", "admin"),
      "name",
      ["", 5, null, "n".repeat(1_000)],
      (name) => ({ name }),
      "name",
    ),
    ...each(
      trpcMutation("tokens.revoke", "admin"),
      "id",
      ["", 5, "i".repeat(101), "no-such-token"],
      (id) => ({ id }),
    ),
    ...each(
      trpcMutation("webhooks.create", "admin"),
      "url",
      ["", "ftp://example.com", "javascript:alert(1)", `file:///tmp/${MARKER}`, 5],
      (url) => ({ url }),
      "url",
    ),
    ...each(
      trpcMutation("webhooks.create", "admin"),
      "events",
      [["nope"], "message.status"],
      (events) => ({ url: "http://127.0.0.1:9/hook", events }),
      "events",
    ),
    ...each(trpcMutation("webhooks.delete", "admin"), "id", ["", 5, "no-such-webhook"], (id) => ({ id })),
    ...each(
      trpcMutation("auth.login", "none"),
      "password",
      [5, null, ""],
      (password) => ({ password }),
      "password",
    ),
    ...each(
      trpcMutation("auth.setup", "none"),
      "password",
      ["short", 5, "a-valid-long-password"],
      (password) => ({ password }),
    ),
    ...each(
      rest("POST", "/api/auth/login", "none"),
      "password",
      [5, null],
      (password) => ({ password }),
      "password",
    ),
    ...each(rest("GET", "/api/messages/X", "token"), "id", [0], () => undefined).map((item) => item),
    ...[`..%2F..%2F${MARKER}`, "%00", "i".repeat(300), "no-such-message"].map(
      (id): BadInput => ({
        name: `GET /api/messages/${id.slice(0, 20)}`,
        method: "GET",
        route: `/api/messages/${id}`,
        credential: "token",
      }),
    ),
  ].filter((item) => item.route !== "/api/messages/X");
}

export function generateBadInputs(): BadInput[] {
  return [
    ...messageCases(rest("POST", "/api/messages")),
    ...messageCases(trpcMutation("messages.send")),
    ...sessionCases(
      rest("POST", "/api/admin/whatsapp-sessions"),
      rest("PUT", "/api/admin/whatsapp-sessions"),
      rest("DELETE", "/api/admin/whatsapp-sessions"),
      rest("POST", "/api/admin/whatsapp-sessions/connect"),
    ),
    ...sessionCases(
      trpcMutation("session.create"),
      trpcMutation("session.update"),
      trpcMutation("session.delete"),
      trpcMutation("session.connect"),
    ),
    ...restDeleteCases(),
    ...otherProcedureCases(),
    ...credentialCases(),
    ...bodyCases(),
  ];
}
