import type { z } from "zod";
import type { FieldErrors } from "../api/errors";
import type { Messages, ValidatedField } from "../i18n/id";

export type Validation<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

function isValidatedField(field: string, messages: Messages["validation"]): field is ValidatedField {
  return field in messages;
}

/**
 * Runs the shared zod schema (the same one the API's `.input()` uses) and keeps one message per field:
 * the translated one where the language has it, otherwise the schema's own.
 */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  values: unknown,
  t: Messages,
): Validation<z.output<Schema>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (fieldErrors[field] !== undefined) continue;
    const translated = isValidatedField(field, t.validation) ? t.validation[field] : undefined;
    fieldErrors[field] = translated ?? issue.message;
  }
  return { ok: false, fieldErrors };
}
