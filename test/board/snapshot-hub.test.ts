import { afterEach, describe, expect, it, vi } from "vitest";
import { BOARD_DATABASES } from "../../src/board/public/board-databases.ts";
import type { BoardSnapshot } from "../../src/board/public/board-types.ts";
import { SnapshotHub, type SnapshotUpdate } from "../../src/board/snapshot-hub.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import type { Workspace } from "../../src/workspace/workspace.ts";

function setup() {
  const watchers = new Map<string, Set<() => void>>();
  const workspace = {
    watch(db: string, onChange: () => void) {
      const set = watchers.get(db) ?? new Set();
      watchers.set(db, set.add(onChange));
      return () => set.delete(onChange);
    },
  } as unknown as Workspace;
  let status = "up";
  let fail = false;
  const read = vi.fn(async (): Promise<BoardSnapshot> => {
    if (fail) throw new Error("down");
    return { generatedAt: Date.now(), requirements: [], services: [{ key: "mlx", cells: { Status: status } }], incidents: [], pages: [], problems: [] };
  });
  const hub = new SnapshotHub({ workspace, read, logger: silentLogger(), refreshMs: 60_000 });
  const watching = () => [...watchers.values()].reduce((n, s) => n + s.size, 0);
  const change = (to: string) => {
    status = to;
    for (const cb of watchers.get("Services") ?? []) cb();
  };
  const failReads = (on: boolean) => (fail = on);
  return { hub, read, watching, change, failReads };
}

const collect = () => {
  const got: SnapshotUpdate[] = [];
  return { got, listener: (u: SnapshotUpdate) => void got.push(u) };
};

describe("SnapshotHub", () => {
  afterEach(() => vi.useRealTimers());

  it("reads once per change however many streams listen, and gives a late stream the cached snapshot at once, then a fresh one", async () => {
    const { hub, read, watching, change } = setup();
    const a = collect();
    const b = collect();
    const offA = hub.subscribe(a.listener);
    const offB = hub.subscribe(b.listener);
    expect(watching()).toBe(Object.keys(BOARD_DATABASES).length);
    await vi.waitFor(() => expect(a.got).toHaveLength(1));
    expect(b.got).toEqual(a.got);
    expect(read).toHaveBeenCalledTimes(1);

    const c = collect();
    const offC = hub.subscribe(c.listener);
    expect(c.got).toEqual(a.got);
    await vi.waitFor(() => expect(read).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(c.got).toHaveLength(2));
    expect(c.got[1]!.text).toBe(a.got[0]!.text);

    change("down");
    change("down");
    await vi.waitFor(() => expect(a.got).toHaveLength(3));
    expect(read).toHaveBeenCalledTimes(3);
    expect(b.got[2]).toBe(a.got[2]);
    expect(c.got[2]).toBe(a.got[2]);
    expect(a.got[2]!.event).toContain('"Status":"down"');

    offA();
    offB();
    expect(watching()).toBe(Object.keys(BOARD_DATABASES).length);
    offC();
    expect(watching()).toBe(0);
  });

  it("re-reads on the refresh timer only while someone listens", async () => {
    vi.useFakeTimers();
    const { hub, read } = setup();
    const off = hub.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(read).toHaveBeenCalledTimes(2);
    off();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it("passes a failed read on as a problem event, to a late stream too", async () => {
    const { hub, failReads } = setup();
    failReads(true);
    const a = collect();
    const off = hub.subscribe(a.listener);
    await vi.waitFor(() => expect(a.got).toHaveLength(1));
    expect(a.got[0]).toEqual({ event: expect.stringMatching(/^event: problem\n/) });
    const b = collect();
    hub.subscribe(b.listener)();
    expect(b.got).toEqual(a.got);
    off();
  });

  it("starts afresh after the last stream left: the next stream waits for a new read instead of an old snapshot", async () => {
    const { hub, read, change } = setup();
    const a = collect();
    hub.subscribe(a.listener)();
    await vi.waitFor(() => expect(read).toHaveBeenCalledTimes(1));
    change("down");
    const b = collect();
    const off = hub.subscribe(b.listener);
    expect(b.got).toEqual([]);
    await vi.waitFor(() => expect(b.got).toHaveLength(1));
    expect(b.got[0]!.event).toContain('"Status":"down"');
    off();
  });
});
