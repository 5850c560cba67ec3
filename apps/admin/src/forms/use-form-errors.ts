import { useState } from "react";
import type { z } from "zod";
import { type FieldErrors, readError } from "../api/errors";
import { useI18n } from "../i18n/i18n";
import { validate } from "./validate";

/**
 * The errors of one form: the shared schema's, checked before sending, then the server's. A server error
 * that names a field goes under that field; any other goes once, below the form.
 */
export function useFormErrors(serverError: unknown) {
  const { t } = useI18n();
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const server = serverError === null || serverError === undefined ? null : readError(serverError, t);
  const hasFieldErrors = server !== null && Object.keys(server.fieldErrors).length > 0;
  return {
    errorOf: (field: string): string | undefined => clientErrors[field] ?? server?.fieldErrors[field],
    formError: hasFieldErrors ? null : (server?.message ?? null),
    /** Returns the parsed values, or null after showing the schema's messages under the fields. */
    check<Schema extends z.ZodType>(schema: Schema, values: unknown): z.output<Schema> | null {
      const result = validate(schema, values, t);
      setClientErrors(result.ok ? {} : result.fieldErrors);
      if (!result.ok) {
        // Take keyboard and screen-reader users to the first field that needs fixing, once it is marked.
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      }
      return result.ok ? result.data : null;
    },
  };
}
