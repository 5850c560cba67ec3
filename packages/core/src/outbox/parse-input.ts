import type { z } from "zod";
import { InvalidInputError } from "../errors.js";

/** Parses with the shared schema and turns the first issue into an InvalidInputError naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidInputError(String(issue?.path[0] ?? "input"), issue?.message ?? "invalid input");
}
