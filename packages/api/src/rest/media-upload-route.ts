import path from "node:path";
import { MEDIA_LIMIT_BYTES } from "@kabar/core/schemas";
import { dataDirectory } from "@kabar/db";
import { HttpError } from "../http/json.js";
import { mimeTypeFromName } from "../kabar.js";
import { queueMedia } from "../routers/messages/send-media.js";
import { receiveUpload, removeUpload } from "./media-upload.js";
import type { RestRoute } from "./route.js";

/** `POST /api/messages/media`: multipart fields `to`, `caption` and `file`, streamed to disk first. */
export const sendUploadedMediaRoute: RestRoute = {
  method: "POST",
  path: "/api/messages/media",
  access: "send",
  bodyType: "multipart",
  multipartFields: {
    to: { isRequired: true, description: "The recipient, e.g. 0812…, +62 812… or 62812…" },
    caption: { isRequired: false, description: "Shown under the image or document" },
    file: {
      isRequired: true,
      isBinary: true,
      description: "A JPEG, PNG or WebP image (≤ 16 MB) or any document (≤ 100 MB); its name is sent too",
    },
  },
  summary:
    "Queue an image (JPEG/PNG/WebP, ≤ 16 MB) or document (≤ 100 MB) as multipart/form-data: fields to, caption?, file; 202 with its id and status",
  successStatus: 202,
  handle: async ({ ctx, raw }) => {
    const principal = ctx.principal;
    if (!principal) throw new HttpError(401, { code: "UNAUTHORIZED", message: "Log in first." });
    const { fields, file } = await receiveUpload(
      raw,
      path.join(dataDirectory(ctx.env.DATABASE_URL), "uploads"),
      {
        maxFileBytes: MEDIA_LIMIT_BYTES.document,
        tooLargeMessage: "file: a document may be at most 100.0 MB (an image at most 16.0 MB).",
      },
    );
    try {
      if (file === null) {
        throw new HttpError(400, {
          code: "INVALID_INPUT",
          message: "file is required: the image or document, as a multipart file field named file.",
          field: "file",
        });
      }
      const caption = fields.get("caption");
      // A client labels what it cannot tell as octet-stream (curl does for .webp): then the name says.
      const labelled =
        file.mimeType === "application/octet-stream" ? mimeTypeFromName(file.fileName) : file.mimeType;
      const result = await queueMedia(
        { kabar: ctx.kabar, principal },
        {
          to: fields.get("to") ?? "",
          file: file.path,
          mimeType: labelled ?? "application/octet-stream",
          ...(file.fileName === "" ? {} : { fileName: file.fileName }),
          ...(caption === undefined || caption === "" ? {} : { caption }),
        },
      );
      return { status: 202, json: { id: result.id, status: result.status } };
    } finally {
      await removeUpload(file);
    }
  },
};
