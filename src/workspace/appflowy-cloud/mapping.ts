import { createHash } from "node:crypto";
import type { CellValue, Cells, DatabaseSpec, FieldSpec, FieldType } from "../workspace.ts";
import { WorkspaceWriteError } from "../workspace-error.ts";

/**
 * Pure translation between the tracker's databases and AppFlowy's grids (API.md sections 6 and 7):
 * field types and their type options, cells keyed by field id on write, cells keyed by name on read.
 */

/** AppFlowy field type ids (API.md 6.3) for the tracker's field types. */
export const FIELD_TYPE_IDS: Readonly<Record<FieldType, number>> = {
  text: 0,
  number: 1,
  date: 2,
  select: 3,
  multiselect: 4,
  checkbox: 5,
  url: 6,
};

/** The Rust enum names the field list answers with (API.md 6.2), indexed by type id. */
export const FIELD_TYPE_NAMES = [
  "RichText",
  "Number",
  "DateTime",
  "SingleSelect",
  "MultiSelect",
  "Checkbox",
  "URL",
  "Checklist",
  "LastEditedTime",
  "CreatedTime",
  "Relation",
  "Summary",
  "Translate",
  "Time",
  "Media",
] as const;

/** The only colours the server parses; any other makes it drop every option of the field (API.md 6.3). */
export const SELECT_COLORS = ["Purple", "Pink", "LightPink", "Orange", "Yellow", "Lime", "Green", "Aqua", "Blue"] as const;
export type SelectColor = (typeof SELECT_COLORS)[number];

const MEANINGFUL_COLORS: Record<string, SelectColor> = {
  verified: "Green",
  up: "Green",
  pass: "Green",
  resolved: "Green",
  degraded: "Orange",
  cold: "Aqua",
  warning: "Yellow",
  unverified: "Purple",
  failing: "Pink",
  down: "Pink",
  fail: "Pink",
  critical: "Pink",
  open: "Pink",
  invalid: "LightPink",
  "wrong-service": "LightPink",
};

export interface SelectOption {
  id: string;
  name: string;
  color: string;
}

/** A field as the server lists it, reduced to what the adapter needs. */
export interface RemoteField {
  id: string;
  name: string;
  /** The Rust enum name, e.g. "RichText". */
  fieldType: string;
  isPrimary: boolean;
  /** Select options as the server parses them (empty when an unknown colour made it drop them). */
  options: SelectOption[];
}

export function typeName(type: FieldType): string {
  return FIELD_TYPE_NAMES[FIELD_TYPE_IDS[type]]!;
}

/** The tracker's type for a server type name, or undefined for types the tracker does not write. */
export function fieldTypeOf(name: string): FieldType | undefined {
  const id = FIELD_TYPE_NAMES.indexOf(name as (typeof FIELD_TYPE_NAMES)[number]);
  return (Object.entries(FIELD_TYPE_IDS) as [FieldType, number][]).find(([, v]) => v === id)?.[0];
}

/** A stable 4-character option id, so recreating a field gives the same ids. */
export function optionId(field: string, option: string, taken: ReadonlySet<string> = new Set()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (let salt = 0; ; salt++) {
    const digest = createHash("sha256").update(`${field}\u0000${option}\u0000${salt}`).digest();
    const id = [...digest.subarray(0, 4)].map((b) => alphabet[b % alphabet.length]).join("");
    if (!taken.has(id)) return id;
  }
}

export function selectOptions(field: string, names: readonly string[]): SelectOption[] {
  const taken = new Set<string>();
  return names.map((name, i) => {
    const id = optionId(field, name, taken);
    taken.add(id);
    return { id, name, color: MEANINGFUL_COLORS[name.toLowerCase()] ?? SELECT_COLORS[i % SELECT_COLORS.length]! };
  });
}

/** The select type option's `content`: a JSON *string*, which is the only form the server reads (API.md 6.3). */
export function selectContent(options: readonly SelectOption[]): string {
  return JSON.stringify({ options, disable_color: false });
}

/** The body of `POST …/fields` for one of the tracker's fields. */
export function fieldCreateBody(field: FieldSpec): { name: string; field_type: number; type_option_data: Record<string, unknown> } {
  const type_option_data: Record<string, unknown> = {};
  if (field.type === "select" || field.type === "multiselect") {
    for (const o of field.options ?? []) {
      if (o.includes(",")) throw new WorkspaceWriteError("?", field.name, `option "${o}" has a comma, which AppFlowy splits on`);
    }
    type_option_data.content = selectContent(selectOptions(field.name, field.options ?? []));
  }
  return { name: field.name, field_type: FIELD_TYPE_IDS[field.type], type_option_data };
}

export interface FieldProblem {
  field: string;
  problem: "missing" | "retyped" | "options-missing";
  detail: string;
}

/** What stands between the grid's fields and the spec: missing fields, fields a person retyped, missing options. */
export function compareFields(spec: DatabaseSpec, remote: readonly RemoteField[]): FieldProblem[] {
  const byName = new Map(remote.map((f) => [f.name, f]));
  const out: FieldProblem[] = [];
  for (const f of spec.fields) {
    const r = byName.get(f.name);
    if (!r) {
      out.push({ field: f.name, problem: "missing", detail: `will be added as ${typeName(f.type)}` });
      continue;
    }
    if (r.fieldType !== typeName(f.type)) {
      out.push({ field: f.name, problem: "retyped", detail: `is ${r.fieldType} in AppFlowy, the tracker needs ${typeName(f.type)}; change it back in the grid` });
      continue;
    }
    if (f.type === "select" || f.type === "multiselect") {
      const have = new Set(r.options.map((o) => o.name));
      const lacking = (f.options ?? []).filter((o) => !have.has(o));
      if (lacking.length > 0) out.push({ field: f.name, problem: "options-missing", detail: `lacks option(s) ${lacking.join(", ")}` });
    }
  }
  return out;
}

/** One cell as `PUT …/row` takes it (API.md section 7 "accepted JSON on write"). */
export function toAppFlowyCell(type: FieldType, value: CellValue): unknown {
  // null does not clear Number or URL cells on the server: each type has its own empty value.
  switch (type) {
    case "text":
    case "url":
      return value === null ? "" : String(value);
    case "number":
      return value === null ? "" : value;
    case "checkbox":
      return value === true;
    case "select":
      return value === null ? "" : value;
    case "multiselect":
      return value === null ? [] : value;
    case "date": {
      if (value === null || value === "") return {};
      // Whole seconds set include_time=true; any other string shape risks being read as timestamp 0.
      return Math.floor(Date.parse(String(value)) / 1000);
    }
  }
}

/**
 * Cells keyed by field id, checked against the grid as it is now: a field a person renamed or retyped is an
 * error naming the database and field, because the server would drop the cell without a word.
 */
export function cellsByFieldId(spec: DatabaseSpec, remote: readonly RemoteField[], cells: Cells): Record<string, unknown> {
  const byName = new Map(remote.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(cells)) {
    const local = spec.fields.find((f) => f.name === name);
    const r = byName.get(name);
    if (!local) throw new WorkspaceWriteError(spec.name, name, "no such field in the tracker's spec");
    if (!r) throw new WorkspaceWriteError(spec.name, name, "no such field in the AppFlowy grid (renamed or deleted there?)");
    if (r.fieldType !== typeName(local.type)) {
      throw new WorkspaceWriteError(spec.name, name, `is ${r.fieldType} in AppFlowy, the tracker needs ${typeName(local.type)}; change it back in the grid`);
    }
    if ((local.type === "select" || local.type === "multiselect") && value !== null && value !== "") {
      const names = new Set(r.options.map((o) => o.name));
      for (const v of Array.isArray(value) ? value : [String(value)]) {
        if (!names.has(v)) throw new WorkspaceWriteError(spec.name, name, `option "${v}" does not exist in the AppFlowy grid (it would be dropped)`);
      }
    }
    out[r.id] = toAppFlowyCell(local.type, value);
  }
  return out;
}

/** A cell as `row/detail` answers it (keyed by name; dates as objects) turned back into a tracker value. */
export function fromAppFlowyCell(fieldType: string, raw: unknown): CellValue {
  const type = fieldTypeOf(fieldType);
  if (raw === null || raw === undefined) return type === "checkbox" ? false : type === "multiselect" ? [] : null;
  switch (type) {
    case "checkbox":
      return raw === true || raw === "true";
    case "multiselect":
      return Array.isArray(raw) ? raw.map(String) : String(raw) === "" ? [] : String(raw).split(",").map((s) => s.trim());
    case "number": {
      if (typeof raw === "number") return raw;
      const text = String(raw).trim();
      if (text === "") return null;
      const n = Number(text);
      if (Number.isFinite(n)) return n;
      const stripped = Number(text.replace(/[^0-9.eE+-]/g, ""));
      return Number.isFinite(stripped) ? stripped : null;
    }
    case "date": {
      const start = typeof raw === "object" ? (raw as { start?: unknown }).start : raw;
      if (typeof start !== "string" || start === "") return null;
      const ms = Date.parse(start);
      return Number.isNaN(ms) ? null : new Date(ms).toISOString();
    }
    case "select":
      return raw === "" ? null : String(raw);
    default:
      return typeof raw === "string" ? raw : JSON.stringify(raw);
  }
}

/** A `row/detail` item's cells in tracker values, keyed by field name (Relation and unknown types included as text). */
export function cellsFromDetail(remote: readonly RemoteField[], detailCells: Record<string, unknown>): Cells {
  const out: Cells = {};
  const types = new Map(remote.map((f) => [f.name, f.fieldType]));
  for (const [name, raw] of Object.entries(detailCells)) out[name] = fromAppFlowyCell(types.get(name) ?? "RichText", raw);
  return out;
}

/** The row's key: its key field, else the primary (title) field when the spec has no field of that name. */
export function rowKey(spec: DatabaseSpec, remote: readonly RemoteField[], cells: Cells): string | undefined {
  const key = cells[spec.keyField];
  if (typeof key === "string" && key.trim() !== "") return key.trim();
  const primary = remote.find((f) => f.isPrimary);
  if (primary && !spec.fields.some((f) => f.name === primary.name)) {
    const title = cells[primary.name];
    if (typeof title === "string" && title.trim() !== "") return title.trim();
  }
  return undefined;
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, "hex");
}

function formatUuid(bytes: Buffer): string {
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The row id the server gives an upsert (API.md 6.6): SHA-256(ws ‖ db ‖ pre_hash), first 16 bytes, no version bits. */
export function preHashRowId(workspaceId: string, databaseId: string, preHash: string): string {
  const digest = createHash("sha256").update(uuidBytes(workspaceId)).update(uuidBytes(databaseId)).update(Buffer.from(preHash, "utf8")).digest();
  return formatUuid(digest.subarray(0, 16));
}

/** A stable UUID for a name in a namespace, for ids the tracker chooses (page views). */
export function stableUuid(...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  const b = Buffer.from(digest.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return formatUuid(b);
}
