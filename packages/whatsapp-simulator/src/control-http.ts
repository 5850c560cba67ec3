import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { SimulatorError } from "./context.js";
import { appStateActions } from "./app-state.js";
import { receiptTypes } from "./contact-receipts.js";
import { ackModes, loginFailureReasons, mediaModes, streamErrorKinds, waWebModes } from "./faults.js";
import type { WhatsAppSimulator } from "./simulator.js";
import { serviceWorkerBody } from "./wa-web-version.js";
import { answerPreflight, guardControlRequest } from "./control-guard.js";

const phoneNumber = z.string().regex(/^\d{5,20}$/, "expected 5 to 20 digits, no '+' or spaces");

export const scanInput = z.object({ qr: z.string().min(1) });
export const codeInput = z.object({
  code: z.string().regex(/^[A-Z0-9-]{8,9}$/i, "expected the 8-character code"),
});
export const sendInput = z.object({ text: z.string().min(1) });
export const addContactInput = z.object({
  number: phoneNumber,
  onWhatsApp: z.boolean(),
  lid: z.boolean().optional(),
  cold: z.boolean().optional(),
});
export const receiptIdsInput = z.object({
  ids: z.array(z.string().min(1).max(128)).min(1, "at least one id").max(1000, "at most 1000 ids"),
});
export const autoReceiptsInput = z.object({ enabled: z.boolean() });
export const refuseInput = z.object({ seconds: z.number().positive().max(3600) });
export const streamErrorInput = z.object({ kind: z.enum(streamErrorKinds) });
export const acksInput = z
  .object({ mode: z.enum(ackModes), ms: z.number().int().min(0).max(600_000).optional() })
  .refine((input) => input.mode !== "delay" || input.ms !== undefined, {
    path: ["ms"],
    message: 'required when mode is "delay"',
  });
export const sendErrorInput = z.object({
  code: z.number().int().min(400).max(599).nullable(),
  count: z.number().int().positive().optional(),
  number: phoneNumber.optional(),
});

export const loginFailureInput = z.object({
  reason: z
    .union(loginFailureReasons.map((reason) => z.literal(reason)))
    .nullable()
    .describe("401, 403, 405 or 503; null clears"),
  count: z.number().int().positive().optional(),
});
export const blackholeInput = z.object({ seconds: z.number().positive().max(3600) });
export const waWebInput = z.object({ mode: z.enum(waWebModes) });

export const mediaFaultInput = z
  .object({ mode: z.enum(mediaModes), ms: z.number().int().min(0).max(600_000).optional() })
  .refine((input) => input.mode !== "slow" || input.ms !== undefined, {
    path: ["ms"],
    message: 'required when mode is "slow"',
  });
export const appStateInput = z.object({ action: z.enum(appStateActions), chat: phoneNumber });
export const historyInput = z.object({ chat: phoneNumber, text: z.string().min(1) });

class BadRequest extends Error {}

/** A route's answer with a status other than 200. */
class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** Held for a device that is away is not done yet: 202, like any accepted-for-later request. */
function queuedAs202<T extends { status: "sent" | "queued" }>(result: T): T | Answer {
  return result.status === "queued" ? new Answer(202, result) : result;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest("body: not valid JSON");
  }
}

async function parse<T>(schema: z.ZodType<T>, request: IncomingMessage): Promise<T> {
  const parsed = schema.safeParse(await readJson(request));
  if (!parsed.success) throw new BadRequest(describe(parsed.error));
  return parsed.data;
}

function numberFrom(raw: string): string {
  const parsed = phoneNumber.safeParse(decodeURIComponent(raw));
  if (!parsed.success) throw new BadRequest(`number: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

type Route = (
  sim: WhatsAppSimulator,
  request: IncomingMessage,
  params: string[],
  response: ServerResponse,
) => Promise<unknown>;

/** Marks a route that wrote its own (non-JSON) answer, or chose never to answer. */
const HANDLED = Symbol("handled");

const routes: { method: string; pattern: RegExp; run: Route }[] = [
  { method: "GET", pattern: /^\/state$/, run: async (sim) => sim.state() },
  { method: "GET", pattern: /^\/conflicts$/, run: async (sim) => sim.conflicts() },
  {
    method: "POST",
    pattern: /^\/phone\/scan$/,
    run: async (sim, request) => sim.phone.scan((await parse(scanInput, request)).qr),
  },
  {
    method: "POST",
    pattern: /^\/phone\/code$/,
    run: async (sim, request) => sim.phone.enterCode((await parse(codeInput, request)).code),
  },
  { method: "POST", pattern: /^\/phone\/logout$/, run: async (sim) => sim.phone.logout() },
  {
    method: "POST",
    pattern: /^\/phone\/history$/,
    run: async (sim, request) => {
      const { chat, text } = await parse(historyInput, request);
      return sim.phone.history(chat, text);
    },
  },
  {
    method: "POST",
    pattern: /^\/phone\/app-state$/,
    run: async (sim, request) => {
      const { action, chat } = await parse(appStateInput, request);
      return sim.phone.appState(action, chat);
    },
  },
  {
    method: "GET",
    pattern: /^\/contacts\/([^/]+)\/messages$/,
    run: async (sim, _request, [raw = ""]) => ({ messages: sim.contacts.messages(numberFrom(raw)) }),
  },
  {
    method: "POST",
    pattern: /^\/contacts\/([^/]+)\/send$/,
    run: async (sim, request, [raw = ""]) => {
      const number = numberFrom(raw);
      return queuedAs202(await sim.contacts.send(number, (await parse(sendInput, request)).text));
    },
  },
  ...receiptTypes.map((type) => ({
    method: "POST",
    pattern: new RegExp(`^/contacts/([^/]+)/${type}$`),
    run: async (sim: WhatsAppSimulator, request: IncomingMessage, [raw = ""]: string[]) => {
      const number = numberFrom(raw);
      const { ids } = await parse(receiptIdsInput, request);
      return queuedAs202(await sim.contacts.receipts(number, type, ids));
    },
  })),
  {
    // Tests that decide which messages a contact reads turn the automatic receipts off.
    method: "POST",
    pattern: /^\/contacts\/auto-receipts$/,
    run: async (sim, request) => {
      const { enabled } = await parse(autoReceiptsInput, request);
      sim.contacts.setAutoReceipts(enabled);
      return { autoReceipts: enabled };
    },
  },
  {
    method: "POST",
    pattern: /^\/contacts$/,
    run: async (sim, request) => {
      const { number, onWhatsApp, lid, cold } = await parse(addContactInput, request);
      return sim.contacts.add(number, {
        onWhatsApp,
        ...(lid === undefined ? {} : { lid }),
        ...(cold === undefined ? {} : { cold }),
      });
    },
  },
  { method: "POST", pattern: /^\/faults\/drop$/, run: async (sim) => ({ dropped: sim.faults.drop() }) },
  {
    method: "POST",
    pattern: /^\/faults\/refuse$/,
    run: async (sim, request) => {
      sim.faults.refuse((await parse(refuseInput, request)).seconds);
      return sim.state().faults;
    },
  },
  {
    method: "POST",
    pattern: /^\/faults\/stream-error$/,
    run: async (sim, request) => ({
      affected: sim.faults.streamError((await parse(streamErrorInput, request)).kind),
    }),
  },
  {
    method: "POST",
    pattern: /^\/faults\/acks$/,
    run: async (sim, request) => {
      const { mode, ms } = await parse(acksInput, request);
      sim.faults.acks(mode, ms);
      return sim.state().faults;
    },
  },
  {
    method: "POST",
    pattern: /^\/faults\/send-error$/,
    run: async (sim, request) => {
      const { code, count, number } = await parse(sendErrorInput, request);
      sim.faults.sendError(code, count, number);
      return sim.state().faults;
    },
  },
  {
    method: "POST",
    pattern: /^\/faults\/media$/,
    run: async (sim, request) => {
      const { mode, ms } = await parse(mediaFaultInput, request);
      sim.faults.media(mode, ms);
      return sim.state().faults;
    },
  },
  {
    method: "POST",
    pattern: /^\/faults\/login-failure$/,
    run: async (sim, request) => {
      const { reason, count } = await parse(loginFailureInput, request);
      sim.faults.loginFailure(reason, count);
      return sim.state().faults;
    },
  },
  {
    method: "POST",
    pattern: /^\/faults\/blackhole$/,
    run: async (sim, request) => {
      sim.faults.blackhole((await parse(blackholeInput, request)).seconds);
      return sim.state().faults;
    },
  },
  {
    method: "POST",
    pattern: /^\/faults\/wa-web$/,
    run: async (sim, request) => {
      sim.faults.waWeb((await parse(waWebInput, request)).mode);
      return sim.state().faults;
    },
  },
  {
    method: "GET",
    pattern: /^\/wa-web\/sw\.js$/,
    run: async (sim, _request, _params, response) => {
      const mode = sim.waWebMode();
      // "hang": the request stays open until the client gives up (or the simulator closes)
      if (mode === "hang") return HANDLED;
      if (mode === "fail") {
        response.writeHead(500, { "content-type": "text/plain" }).end("simulated failure");
        return HANDLED;
      }
      response
        .writeHead(200, { "content-type": "text/javascript" })
        .end(serviceWorkerBody(sim.servedWaWebVersion()));
      return HANDLED;
    },
  },
];

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** The loopback control API; each route is a thin call into the in-process API. */
export function handleControlRequest(
  sim: WhatsAppSimulator,
  request: IncomingMessage,
  response: ServerResponse,
) {
  // Before dispatch, so routes added later are covered without opting in.
  const refusal = guardControlRequest(request, response);
  if (refusal) {
    request.resume();
    reply(response, refusal.status, { error: refusal.error });
    return;
  }
  if (answerPreflight(request, response)) return;
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  const matching = routes.filter((route) => route.pattern.test(path));
  const route = matching.find((candidate) => candidate.method === request.method);
  if (!route) {
    reply(response, matching.length ? 405 : 404, { error: `${request.method} ${path}: no such route` });
    return;
  }
  const params = route.pattern.exec(path)?.slice(1) ?? [];
  route.run(sim, request, params, response).then(
    (body) => {
      if (body === HANDLED) return;
      if (body instanceof Answer) reply(response, body.status, body.body);
      else reply(response, 200, body ?? { ok: true });
    },
    (error: unknown) => {
      if (error instanceof BadRequest) reply(response, 400, { error: error.message });
      else if (error instanceof SimulatorError) reply(response, error.status, { error: error.message });
      else reply(response, 500, { error: String(error) });
    },
  );
}
