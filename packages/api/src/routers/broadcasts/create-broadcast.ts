import { createBroadcastInput } from "@kabar/core/schemas";
import { z } from "zod";
import { sendProcedure } from "../../trpc/trpc.js";

/**
 * The CSV as text, for small lists and scripts; the panel and large lists use the streamed upload
 * (POST /api/broadcasts, multipart), which never holds the file. Both end in the same core call.
 */
export const createBroadcastTrpcInput = createBroadcastInput.extend({
  csv: z.string({ error: "csv is required" }),
});

export const createBroadcast = sendProcedure.input(createBroadcastTrpcInput).mutation(({ ctx, input }) => {
  const { csv, ...rest } = input;
  return ctx.kabar.broadcasts.create(rest, textChunks(csv));
});

async function* textChunks(text: string): AsyncGenerator<string> {
  yield text;
}
