import { describe, expect, it } from "vitest";
import { documentBlocks, rowCellsUpdate, toCollabCell } from "../../src/workspace/appflowy-cloud/collab.ts";
import {
  SELECT_COLORS,
  cellsByFieldId,
  compareFields,
  fieldCreateBody,
  fromAppFlowyCell,
  preHashRowId,
  rowKey,
  toAppFlowyCell,
  type RemoteField,
} from "../../src/workspace/appflowy-cloud/mapping.ts";
import { blocksToMarkdown, markdownToPageData } from "../../src/workspace/appflowy-cloud/page-blocks.ts";
import type { Cells, DatabaseSpec } from "../../src/workspace/workspace.ts";
import { WorkspaceWriteError } from "../../src/workspace/workspace-error.ts";
import * as Y from "yjs";
import { documentFromPageData } from "../helpers/fake-appflowy/document-model.ts";
import { preHashRowId as fakePreHashRowId } from "../helpers/fake-appflowy/index.ts";

const SPEC: DatabaseSpec = {
  name: "Incidents",
  keyField: "Incident",
  fields: [
    { name: "Incident", type: "text", owner: "tracker" },
    { name: "Severity", type: "select", owner: "tracker", options: ["critical", "warning"] },
    { name: "Count", type: "number", owner: "tracker" },
    { name: "Opened", type: "date", owner: "tracker" },
    { name: "Tags", type: "multiselect", owner: "tracker", options: ["infra", "p1"] },
    { name: "Acked", type: "checkbox", owner: "tracker" },
    { name: "Link", type: "url", owner: "tracker" },
  ],
};

const remote = (overrides: Partial<Record<string, Partial<RemoteField>>> = {}): RemoteField[] => [
  { id: "prim01", name: "Name", fieldType: "RichText", isPrimary: true, options: [] },
  ...SPEC.fields.map((f, i) => {
    const body = fieldCreateBody(f);
    const content = body.type_option_data.content ? (JSON.parse(String(body.type_option_data.content)) as { options: RemoteField["options"] }) : { options: [] };
    return { id: `fld${i}00`, name: f.name, fieldType: ["RichText", "Number", "DateTime", "SingleSelect", "MultiSelect", "Checkbox", "URL"][body.field_type]!, isPrimary: false, options: content.options, ...overrides[f.name] };
  }),
];

describe("preHashRowId()", () => {
  it("matches the test vector of API.md 6.6", () => {
    expect(preHashRowId("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222", "my_id_123")).toBe("2d764338-47d4-5284-0c68-af4d29035472");
  });
  it("agrees with the double's own derivation of the test vector", () => {
    expect(fakePreHashRowId("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222", "my_id_123")).toBe("2d764338-47d4-5284-0c68-af4d29035472");
  });
  it("gives different ids for different keys and databases", () => {
    const a = preHashRowId("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222", "FR-001");
    expect(a).not.toBe(preHashRowId("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222", "FR-002"));
    expect(a).not.toBe(preHashRowId("11111111-1111-1111-1111-111111111111", "33333333-3333-3333-3333-333333333333", "FR-001"));
  });
});

describe("fieldCreateBody()", () => {
  it.each([
    { name: "text", type: "text" as const, id: 0 },
    { name: "number", type: "number" as const, id: 1 },
    { name: "date", type: "date" as const, id: 2 },
    { name: "select", type: "select" as const, id: 3 },
    { name: "multiselect", type: "multiselect" as const, id: 4 },
    { name: "checkbox", type: "checkbox" as const, id: 5 },
    { name: "url", type: "url" as const, id: 6 },
  ])("fieldCreateBody() maps $name to field type $id", ({ type, id }) => {
    expect(fieldCreateBody({ name: "F", type, owner: "tracker", options: ["a"] }).field_type).toBe(id);
  });

  it("fieldCreateBody() sends select options as a JSON string with only colours the server knows", () => {
    const body = fieldCreateBody({ name: "Status", type: "select", owner: "tracker", options: ["Verified", "Degraded", "Failing", "Unverified", "Invalid", "x", "y", "z", "w", "v"] });
    expect(typeof body.type_option_data.content).toBe("string");
    const parsed = JSON.parse(String(body.type_option_data.content)) as { options: { id: string; name: string; color: string }[]; disable_color: boolean };
    expect(parsed.options.map((o) => o.name)).toEqual(["Verified", "Degraded", "Failing", "Unverified", "Invalid", "x", "y", "z", "w", "v"]);
    expect(parsed.options.every((o) => (SELECT_COLORS as readonly string[]).includes(o.color))).toBe(true);
    expect(new Set(parsed.options.map((o) => o.id)).size).toBe(10);
    expect(parsed.options.every((o) => o.id.length === 4)).toBe(true);
    expect(parsed.disable_color).toBe(false);
  });

  it("fieldCreateBody() gives the same option ids every time", () => {
    const a = fieldCreateBody({ name: "S", type: "select", owner: "tracker", options: ["up", "down"] });
    expect(fieldCreateBody({ name: "S", type: "select", owner: "tracker", options: ["up", "down"] })).toEqual(a);
  });

  it("fieldCreateBody() refuses an option with a comma, which the server would split", () => {
    expect(() => fieldCreateBody({ name: "S", type: "select", owner: "tracker", options: ["a,b"] })).toThrow(/comma/);
  });
});

describe("toAppFlowyCell()", () => {
  it.each([
    { name: "text", type: "text" as const, value: "hi", out: "hi" },
    { name: "text null clears", type: "text" as const, value: null, out: "" },
    { name: "number", type: "number" as const, value: 12.5, out: 12.5 },
    { name: "number null clears with an empty string", type: "number" as const, value: null, out: "" },
    { name: "date as whole unix seconds", type: "date" as const, value: "2026-11-25T10:00:00.900Z", out: 1795600800 },
    { name: "date null clears with {}", type: "date" as const, value: null, out: {} },
    { name: "select by option name", type: "select" as const, value: "critical", out: "critical" },
    { name: "multiselect as a list of names", type: "multiselect" as const, value: ["infra"], out: ["infra"] },
    { name: "checkbox", type: "checkbox" as const, value: true, out: true },
    { name: "url", type: "url" as const, value: "http://x", out: "http://x" },
  ])("toAppFlowyCell() writes $name", ({ type, value, out }) => {
    expect(toAppFlowyCell(type, value)).toEqual(out);
  });
});

describe("fromAppFlowyCell()", () => {
  it.each([
    { name: "number text to a number", type: "Number", raw: "12.5", out: 12.5 },
    { name: "unset number to null", type: "Number", raw: "", out: null },
    { name: "currency text to its number", type: "Number", raw: "$1,234.50", out: 1234.5 },
    { name: "date object to ISO-8601", type: "DateTime", raw: { start: "2024-12-03T07:17:01+00:00", end: null, timezone: "UTC" }, out: "2024-12-03T07:17:01.000Z" },
    { name: "unset date to null", type: "DateTime", raw: null, out: null },
    { name: "select name", type: "SingleSelect", raw: "critical", out: "critical" },
    { name: "unknown select id (empty) to null", type: "SingleSelect", raw: "", out: null },
    { name: "multiselect names", type: "MultiSelect", raw: ["infra", "p1"], out: ["infra", "p1"] },
    { name: "unset multiselect to []", type: "MultiSelect", raw: null, out: [] },
    { name: "checkbox", type: "Checkbox", raw: true, out: true },
    { name: "text", type: "RichText", raw: "hello", out: "hello" },
    { name: "a type the tracker does not write, as text", type: "Checklist", raw: { options: [] }, out: '{"options":[]}' },
  ])("fromAppFlowyCell() reads $name", ({ type, raw, out }) => {
    expect(fromAppFlowyCell(type, raw)).toEqual(out);
  });
});

describe("cellsByFieldId()", () => {
  it("cellsByFieldId() keys cells by field id", () => {
    expect(cellsByFieldId(SPEC, remote(), { Incident: "i-1", Severity: "warning", Count: 3 })).toEqual({ fld000: "i-1", fld100: "warning", fld200: 3 });
  });

  it.each([
    { name: "a field renamed in AppFlowy", overrides: { Count: { name: "Total" } }, cells: { Count: 1 }, error: /Incidents\.Count: no such field in the AppFlowy grid/ },
    { name: "a field retyped in AppFlowy", overrides: { Count: { fieldType: "RichText" } }, cells: { Count: 1 }, error: /Incidents\.Count: is RichText in AppFlowy, the tracker needs Number/ },
    { name: "a select option the grid lacks", overrides: { Severity: { options: [] } }, cells: { Severity: "critical" }, error: /Incidents\.Severity: option "critical" does not exist/ },
  ])("cellsByFieldId() refuses $name, naming database and field", ({ overrides, cells, error }) => {
    const run = () => cellsByFieldId(SPEC, remote(overrides), cells as unknown as Cells);
    expect(run).toThrow(WorkspaceWriteError);
    expect(run).toThrow(error);
  });
});

describe("compareFields()", () => {
  it("compareFields() lists missing and retyped fields and missing options", () => {
    const fields = remote({ Count: { fieldType: "RichText" }, Tags: { options: [] } }).filter((f) => f.name !== "Link");
    expect(compareFields(SPEC, fields).map((p) => `${p.field}:${p.problem}`)).toEqual(["Count:retyped", "Tags:options-missing", "Link:missing"]);
  });
  it("compareFields() finds nothing on a grid that matches", () => {
    expect(compareFields(SPEC, remote())).toEqual([]);
  });
});

describe("rowKey()", () => {
  it.each([
    { name: "the key field", cells: { Incident: "i-9", Name: "title" }, out: "i-9" },
    { name: "the title when the key field is empty", cells: { Incident: "", Name: "FR-006" }, out: "FR-006" },
    { name: "nothing for an empty row", cells: { Incident: "", Name: "" }, out: undefined },
  ])("rowKey() takes $name", ({ cells, out }) => {
    expect(rowKey(SPEC, remote(), cells)).toBe(out);
  });
});

describe("page blocks", () => {
  const md = "# Incidents this week\n\nTwo **outages** of `ollama`, see [runbook](http://wiki/x).\n\n- first\n- second\n\n1. one\n2. two\n\n- [x] done\n\n> quoted\n\n---\n\n```sh\nollama ps\n```";

  it("markdownToPageData() builds a page root of typed blocks with deltas", () => {
    const root = markdownToPageData(md);
    expect(root.type).toBe("page");
    expect(root.children.map((b) => b.type)).toEqual(["heading", "paragraph", "bulleted_list", "bulleted_list", "numbered_list", "numbered_list", "todo_list", "quote", "divider", "code"]);
    expect(root.children[1]!.data.delta).toEqual([{ insert: "Two " }, { insert: "outages", attributes: { bold: true } }, { insert: " of " }, { insert: "ollama", attributes: { code: true } }, { insert: ", see " }, { insert: "runbook", attributes: { href: "http://wiki/x" } }, { insert: "." }]);
  });

  it("documentBlocks() and blocksToMarkdown() read back what markdownToPageData() wrote, through a document collab", () => {
    const doc = documentFromPageData(markdownToPageData(md))!;
    expect(blocksToMarkdown(documentBlocks(Y.encodeStateAsUpdate(doc)))).toBe(md);
  });
});

describe("rowCellsUpdate()", () => {
  it("rowCellsUpdate() sets cells in the row collab's cells map, keyed by field id, with bigint field types", () => {
    const server = new Y.Doc();
    server.transact(() => {
      const row = new Y.Map<unknown>();
      server.getMap("data").set("data", row);
      row.set("id", "r1");
      row.set("cells", new Y.Map());
    });
    const fields = remote();
    const sev = fields.find((f) => f.name === "Severity")!;
    const update = rowCellsUpdate(Y.encodeStateAsUpdate(server), { [sev.id]: toCollabCell("select", "critical", sev), fld200: toCollabCell("number", 4, fields[3]!) }, 1_795_600_800_000);
    Y.applyUpdate(server, update);
    const cells = (server.getMap("data").get("data") as Y.Map<unknown>).get("cells") as Y.Map<Y.Map<unknown>>;
    expect(cells.get(sev.id)!.get("data")).toBe(sev.options.find((o) => o.name === "critical")!.id);
    expect(cells.get(sev.id)!.get("field_type")).toBe(3n);
    expect(cells.get("fld200")!.get("data")).toBe("4");
  });
});
