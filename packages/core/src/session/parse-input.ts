import type { z } from "zod";
import { InvalidInputError } from "../errors.js";

/** Validates with the shared zod schema and reports the first problem with the field it concerns. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join(".") || "input";
  throw new InvalidInputError(field, issue?.message ?? `${field} is invalid`);
}
