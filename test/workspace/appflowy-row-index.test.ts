import { describe, expect, it } from "vitest";
import { RowIndex } from "../../src/workspace/appflowy-cloud/row-index.ts";

/** A read the test lets finish when it wants, to make changes while it is on its way. */
function pendingRead(entries: [string, string][]): { read: () => Promise<[string, string][]>; finish: () => void } {
  let finish: () => void = () => undefined;
  const gate = new Promise<void>((r) => (finish = r));
  return { read: async () => (await gate, entries), finish };
}

describe("RowIndex", () => {
  it.each<{ name: string; mode: "replace" | "add"; change: (i: RowIndex) => void; expected: Record<string, string> }>([
    { name: "replace: a key deleted while the read is on its way stays deleted", mode: "replace", change: (i) => i.delete("a"), expected: { b: "id-b" } },
    { name: "replace: a row created while the read is on its way stays", mode: "replace", change: (i) => i.set("c", "id-c"), expected: { a: "id-a", b: "id-b", c: "id-c" } },
    { name: "add: a key deleted while the read is on its way is not added back", mode: "add", change: (i) => i.delete("a"), expected: { b: "id-b" } },
    { name: "replace: nothing changed meanwhile gives what the server listed", mode: "replace", change: () => undefined, expected: { a: "id-a", b: "id-b" } },
  ])("refresh() $name", async ({ mode, change, expected }) => {
    const index = new RowIndex();
    await index.load(async () => [["a", "id-a"]]);
    const { read, finish } = pendingRead([
      ["a", "id-a"],
      ["b", "id-b"],
    ]);
    const refreshing = index.refresh(read, mode);
    change(index);
    finish();
    await refreshing;
    const got = Object.fromEntries(["a", "b", "c"].map((k) => [k, index.get(k)]).filter(([, v]) => v !== undefined));
    expect(got).toEqual(expected);
  });

  it("refresh() replace drops a key the server no longer lists (deleted in the UI) when we did not touch it", async () => {
    const index = new RowIndex();
    await index.load(async () => [["a", "id-a"], ["b", "id-b"]]);
    index.set("c", "id-c");
    await index.refresh(async () => [["b", "id-b"], ["c", "id-c"]], "replace");
    expect([index.get("a"), index.get("b"), index.get("c")]).toEqual([undefined, "id-b", "id-c"]);
  });

  it("load() reads once for callers at the same time, and the first row of a key wins", async () => {
    const index = new RowIndex();
    let reads = 0;
    const read = async (): Promise<[string, string][]> => {
      reads++;
      await new Promise((r) => setTimeout(r, 10));
      return [["a", "first"], ["a", "second"]];
    };
    await Promise.all([index.load(read), index.load(read), index.load(read)]);
    index.set("b", "id-b");
    await index.load(read);
    expect(reads).toBe(1);
    expect([index.get("a"), index.get("b")]).toEqual(["first", "id-b"]);
  });
});
