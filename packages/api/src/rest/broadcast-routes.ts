import { broadcastIdInput, type CreateBroadcastInput, createBroadcastInput } from "@kabar/core/schemas";
import { z } from "zod";
import { type BroadcastCreated, DEFAULT_CSV_LIMITS, UploadTooLargeError } from "../kabar.js";
import { HttpError } from "../http/json.js";
import { drainRequest, type MultipartPart, readMultipart, readTextPart } from "../http/multipart.js";
import type { RestRequest, RestRoute } from "./route.js";

const TEXT_FIELDS = ["name", "template", "scheduledAt", "start"] as const;
const MAX_TEXT_FIELD_BYTES = 64 * 1024;

function isTextField(name: string): name is (typeof TEXT_FIELDS)[number] {
  return (TEXT_FIELDS as readonly string[]).includes(name);
}

function formInput(fields: Map<string, string>): CreateBroadcastInput {
  const start = fields.get("start");
  if (start !== undefined && start !== "true" && start !== "false") {
    throw new HttpError(400, { code: "BAD_REQUEST", message: "start must be true or false", field: "start" });
  }
  const scheduledAt = fields.get("scheduledAt")?.trim();
  return createBroadcastInput.parse({
    name: fields.get("name"),
    template: fields.get("template"),
    ...(scheduledAt ? { scheduledAt } : {}),
    ...(start === undefined ? {} : { start: start === "true" }),
  });
}

/**
 * The form's text fields first, then the file: the list streams straight into core, which needs the
 * template before the first row. Any refusal reads the rest of the upload away before answering.
 */
async function createFromForm({ ctx, request }: RestRequest): Promise<BroadcastCreated> {
  try {
    // A body that says it is larger than the list may be plus its text fields is refused unread
    // (the list's own byte count, in core, catches bodies sent without a length).
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > DEFAULT_CSV_LIMITS.maxBytes + TEXT_FIELDS.length * MAX_TEXT_FIELD_BYTES + 64 * 1024) {
      throw new UploadTooLargeError("csv", DEFAULT_CSV_LIMITS.maxBytes);
    }
    const fields = new Map<string, string>();
    let created: BroadcastCreated | null = null;
    for await (const part of readMultipart(request)) {
      if (part.name === "csv" && created === null) {
        created = await ctx.kabar.broadcasts.create(formInput(fields), csvBody(part));
      } else if (isTextField(part.name) && created === null) {
        fields.set(part.name, await readTextPart(part, MAX_TEXT_FIELD_BYTES));
      }
    }
    if (created === null) {
      throw new HttpError(400, {
        code: "BAD_REQUEST",
        message: "csv: the form has no csv file part",
        field: "csv",
      });
    }
    return created;
  } catch (error) {
    await drainRequest(request);
    throw error;
  }
}

/** The same list again (or a corrected one) for a broadcast not yet finished: only the csv part. */
async function uploadFromForm({ ctx, request }: RestRequest, id: string): Promise<BroadcastCreated> {
  try {
    let uploaded: BroadcastCreated | null = null;
    for await (const part of readMultipart(request)) {
      if (part.name === "csv" && uploaded === null)
        uploaded = await ctx.kabar.broadcasts.upload({ id }, csvBody(part));
    }
    if (uploaded === null) {
      throw new HttpError(400, {
        code: "BAD_REQUEST",
        message: "csv: the form has no csv file part",
        field: "csv",
      });
    }
    return uploaded;
  } catch (error) {
    await drainRequest(request);
    throw error;
  }
}

function csvBody(part: MultipartPart): AsyncIterable<Uint8Array> {
  return part.body;
}

/** The form as the OpenAPI document describes it (the route reads it as a stream, field by field). */
const broadcastForm = createBroadcastInput.omit({ start: true }).extend({
  start: z.enum(["true", "false"]).optional(),
  csv: z.string().describe("the participant list: a CSV file, after the text fields"),
});

const idOf = (params: Record<string, string>) => broadcastIdInput.parse({ id: params.id });

function control(action: "start" | "pause" | "resume" | "cancel", summary: string): RestRoute {
  return {
    method: "POST",
    path: `/api/broadcasts/{id}/${action}`,
    access: "send",
    summary,
    successStatus: 200,
    handle: async ({ caller, params }) => ({
      status: 200,
      json: await caller.broadcasts[action](idOf(params)),
    }),
  };
}

export const broadcastRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/api/broadcasts",
    access: "send",
    bodyType: "multipart",
    requestBody: broadcastForm,
    summary:
      "Create a broadcast from a CSV (multipart: name, template, then csv; optional scheduledAt ISO time, start=true); 201 {id, rows, valid, invalid, errors[]}",
    successStatus: 201,
    handle: async (request) => {
      const created = await createFromForm(request);
      return {
        status: 201,
        json: {
          id: created.id,
          rows: created.rows,
          valid: created.valid,
          invalid: created.invalid,
          errors: created.errors,
          preview: created.preview,
          status: created.broadcast.status,
        },
      };
    },
  },
  {
    method: "GET",
    path: "/api/broadcasts",
    access: "read",
    summary: "The latest 100 broadcasts, newest first",
    successStatus: 200,
    handle: async ({ caller }) => ({ status: 200, json: await caller.broadcasts.list() }),
  },
  {
    method: "GET",
    path: "/api/broadcasts/{id}",
    access: "read",
    summary: "A broadcast with its rows counted by status and the ETA",
    successStatus: 200,
    handle: async ({ caller, params }) => ({ status: 200, json: await caller.broadcasts.get(idOf(params)) }),
  },
  {
    method: "GET",
    path: "/api/broadcasts/{id}/report.csv",
    access: "read",
    summary: "The report: one CSV line per uploaded row (row, number, status, times, error) after a header",
    successStatus: 200,
    handle: async ({ caller, ctx, params }) => {
      const { id } = idOf(params);
      // through the procedure first: the same access check and a clean 404 before any byte is sent
      await caller.broadcasts.get({ id });
      return {
        status: 200,
        contentType: "text/csv; charset=utf-8",
        headers: {
          "content-disposition": `attachment; filename="broadcast-${id.replace(/[^\w-]/g, "")}.csv"`,
        },
        stream: ctx.kabar.broadcasts.report({ id }),
      };
    },
  },
  {
    method: "POST",
    path: "/api/broadcasts/{id}/csv",
    access: "send",
    bodyType: "multipart",
    summary:
      "Upload the list again (multipart: csv) to a draft, scheduled or paused broadcast: rows not yet sent are replaced; a number it already sent to is a duplicate, never sent twice",
    successStatus: 200,
    handle: async (request) => {
      const { id } = idOf(request.params);
      // through the procedure first: a clean 404 for an unknown id before the body is read
      await request.caller.broadcasts.get({ id });
      const uploaded = await uploadFromForm(request, id);
      return {
        status: 200,
        json: {
          id: uploaded.id,
          rows: uploaded.rows,
          valid: uploaded.valid,
          invalid: uploaded.invalid,
          errors: uploaded.errors,
          preview: uploaded.preview,
          status: uploaded.broadcast.status,
        },
      };
    },
  },
  control("start", "Start a draft or scheduled broadcast now"),
  control("pause", "Pause: what waits in the outbox is taken back; the message being sent still goes"),
  control("resume", "Resume a paused broadcast"),
  control("cancel", "Cancel: every row not yet sent becomes cancelled"),
];
