import { MEDIA_LIMIT_BYTES, mediaKindOf, sendMediaInput } from "@kabar/core/schemas";
import type { z } from "zod";
import { KabarError, type MediaInput } from "../../kabar.js";
import { sendProcedure } from "../../trpc/trpc.js";
import type { Principal } from "../../auth/auth-service.js";
import type { Context } from "../../trpc/context.js";
import { requireAdminForForce } from "./send-message.js";

/** Who sends (checked by the procedure or route already) and the Kabar to queue on. */
export interface MediaContext {
  kabar: Context["kabar"];
  principal: Principal;
}

/** Base64 of the largest image (16 MB) plus room for the rest of the JSON; documents past it go multipart. */
const JSON_MEDIA_MAX_BYTES = Math.ceil(MEDIA_LIMIT_BYTES.image / 3) * 4 + 64 * 1024;
export const JSON_MEDIA_BODY = {
  maxBytes: JSON_MEDIA_MAX_BYTES,
  tooLargeMessage: `The request body is larger than ${JSON_MEDIA_MAX_BYTES} bytes: base64 media in JSON may be at most 16 MB (the image limit); send larger documents (up to 100 MB) as multipart/form-data to POST /api/messages/media.`,
};

/** Core names the fields of its own input (file, mimeType); a JSON caller sent them inside `media`. */
const JSON_FIELDS: Record<string, string> = { file: "media.data", mimeType: "media.mimeType" };

/**
 * Queues an image or a document, one of the kinds `mediaKindOf` tells from the mime type, for core
 * to check and store. `fields` renames core's field names to the caller's (multipart keeps `file`).
 */
export async function queueMedia(
  ctx: MediaContext,
  input: Omit<MediaInput, "mimeType"> & { mimeType: string },
  fields: Record<string, string> = {},
) {
  requireAdminForForce(ctx.principal, input.force);
  try {
    return await ctx.kabar.messages.sendMedia(mediaKindOf(input.mimeType), input);
  } catch (error) {
    const renamed = error instanceof KabarError && error.field ? fields[error.field] : undefined;
    if (!(error instanceof KabarError) || renamed === undefined || error.field === undefined) throw error;
    const message = error.message.replace(new RegExp(`^${error.field}: `), `${renamed}: `);
    throw new KabarError(error.code, message, renamed);
  }
}

/** The JSON form (tRPC, REST `POST /api/messages` with `media`): base64 decoded here, checked in core. */
export function queueJsonMedia(ctx: MediaContext, input: z.output<typeof sendMediaInput>) {
  const { media, caption, idempotencyKey, force } = input;
  return queueMedia(
    ctx,
    {
      to: input.to,
      file: new Uint8Array(Buffer.from(media.data, "base64")),
      mimeType: media.mimeType,
      ...(media.fileName === undefined ? {} : { fileName: media.fileName }),
      ...(caption === undefined ? {} : { caption }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      ...(force === undefined ? {} : { force }),
    },
    JSON_FIELDS,
  );
}

/** Queues an image (JPEG/PNG/WebP, ≤ 16 MB) or a document (≤ 100 MB; base64 JSON carries ≤ 16 MB). */
export const sendMedia = sendProcedure
  .input(sendMediaInput)
  .mutation(({ ctx, input }) => queueJsonMedia(ctx, input));
