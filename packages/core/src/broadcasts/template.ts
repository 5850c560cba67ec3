/**
 * A broadcast's template: text with `{column}` placeholders filled from each row, matched to the
 * CSV's header names without regard to case or surrounding spaces.
 */
import { InvalidInputError } from "../errors.js";

const PLACEHOLDER = /\{([^{}\n]+)\}/g;

export interface Template {
  text: string;
  /** Each placeholder's column index in the CSV, in order of first appearance. */
  placeholders: { name: string; column: number }[];
}

const columnKey = (name: string) => name.trim().toLowerCase();

/** Binds the template to the CSV's columns; an unknown placeholder is the whole template's error. */
export function compileTemplate(text: string, columns: readonly string[]): Template {
  const byKey = new Map<string, number>();
  columns.forEach((column, index) => {
    if (!byKey.has(columnKey(column))) byKey.set(columnKey(column), index);
  });
  const placeholders: Template["placeholders"] = [];
  const unknown: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    const column = byKey.get(columnKey(name));
    if (column === undefined) {
      if (!unknown.includes(name)) unknown.push(name);
    } else if (!placeholders.some((placeholder) => placeholder.column === column)) {
      placeholders.push({ name, column });
    }
  }
  if (unknown.length > 0) {
    throw new InvalidInputError(
      "template",
      `template: unknown placeholder ${unknown.map((name) => `{${name}}`).join(", ")}; the CSV's columns are ${columns.join(", ")}.`,
    );
  }
  return { text, placeholders };
}

/** The template with this row's values; a placeholder names a column, so lookups are by index. */
export function renderTemplate(template: Template, fields: readonly string[]): string {
  return template.text.replace(PLACEHOLDER, (whole, name: string) => {
    const found = template.placeholders.find(
      (placeholder) => columnKey(placeholder.name) === columnKey(name),
    );
    return found === undefined ? whole : (fields[found.column] ?? "");
  });
}

/**
 * The header names read as the phone column, compared after lower-casing and dropping everything
 * but letters and digits (so "No. HP", "no_hp" and "NOHP" are one name). The first match wins.
 */
export const PHONE_COLUMN_NAMES = [
  "phone",
  "phonenumber",
  "nomor",
  "nomorhp",
  "nohp",
  "hp",
  "handphone",
  "whatsapp",
  "wa",
  "nowa",
  "nomorwa",
  "nomorwhatsapp",
  "telepon",
  "telp",
  "notelp",
  "notelepon",
  "nomortelepon",
  "mobile",
] as const;

export function findPhoneColumn(columns: readonly string[]): number {
  const names: readonly string[] = PHONE_COLUMN_NAMES;
  const index = columns.findIndex((column) => names.includes(column.toLowerCase().replace(/[^a-z0-9]/g, "")));
  if (index === -1) {
    throw new InvalidInputError(
      "csv",
      `csv: no phone column; name one of the columns phone, nomor, no_hp, hp, whatsapp, telepon or "No. HP" (found: ${columns.join(", ") || "nothing"}).`,
    );
  }
  return index;
}
