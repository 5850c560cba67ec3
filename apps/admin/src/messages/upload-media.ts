/**
 * The test send's attachment goes as multipart to REST `POST /api/messages/media` (the admin cookie
 * from this very page is accepted there), not as base64 through tRPC: a 100 MB document would be
 * 133 MB of JSON held in the browser's memory.
 */

/** The server's refusal, with the field it named (to, file, mimeType) for the form to mark. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly field: string | undefined,
  ) {
    super(message);
    this.name = "UploadError";
  }
}

interface RestError {
  error?: { message?: unknown; field?: unknown };
}

export async function uploadMedia(input: { to: string; caption: string; file: File }) {
  const form = new FormData();
  form.append("to", input.to);
  if (input.caption.trim() !== "") form.append("caption", input.caption);
  form.append("file", input.file);
  const response = await fetch("/api/messages/media", {
    method: "POST",
    body: form,
    credentials: "same-origin",
  });
  const body = (await response.json().catch(() => ({}))) as RestError & { id?: string; status?: string };
  if (!response.ok) {
    const message = typeof body.error?.message === "string" ? body.error.message : `HTTP ${response.status}`;
    // The form has one input for the file: a complaint about its type belongs under it.
    const field =
      typeof body.error?.field === "string" ? body.error.field.replace(/^mimeType$/, "file") : undefined;
    throw new UploadError(message, field);
  }
  return { id: body.id ?? "", status: body.status ?? "queued" };
}
