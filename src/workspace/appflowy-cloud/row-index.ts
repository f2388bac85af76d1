/**
 * A grid's key → row id index: read from the server on first use, kept up to date by the adapter's own creations
 * and deletions, refreshed by readRows and watch. A refresh holds what the server listed when it was read; a
 * creation or deletion of ours that lands while the refresh is on its way is applied again on top of it, so the
 * refresh cannot undo it (a deleted key brought back would send later writes to a row no view lists).
 */
export class RowIndex {
  private readonly ids = new Map<string, string>();
  private loaded = false;
  private loading: Promise<void> | undefined;
  private seq = 0;
  /** The marks of the refreshes on their way. */
  private readonly reads = new Set<number>();
  /** Our changes since the oldest refresh on its way began (undefined id: deleted). */
  private readonly ours = new Map<string, { seq: number; id: string | undefined }>();

  get isLoaded(): boolean {
    return this.loaded;
  }

  get(key: string): string | undefined {
    return this.ids.get(key);
  }

  /** Records a row of ours for the key (created, or found). */
  set(key: string, id: string): void {
    this.ids.set(key, id);
    this.note(key, id);
  }

  /** Records that the key's row was deleted. */
  delete(key: string): void {
    this.ids.delete(key);
    this.note(key, undefined);
  }

  /** Reads the whole index once; callers at the same time share the read. */
  async load(read: () => Promise<[string, string][]>): Promise<void> {
    if (this.loaded) return;
    this.loading ??= this.refresh(read, "replace").finally(() => (this.loading = undefined));
    await this.loading;
  }

  /**
   * Reads rows from the server (key and id, in the server's order; the first row of a key wins) and either
   * replaces the index with them or adds the keys it lacks.
   */
  async refresh(read: () => Promise<[string, string][]>, mode: "replace" | "add"): Promise<void> {
    const mark = ++this.seq;
    this.reads.add(mark);
    try {
      const entries = await read();
      if (mode === "replace") {
        this.ids.clear();
        this.loaded = true;
      }
      for (const [key, id] of entries) if (!this.ids.has(key)) this.ids.set(key, id);
      for (const [key, change] of this.ours) {
        if (change.seq < mark) continue;
        if (change.id === undefined) this.ids.delete(key);
        else this.ids.set(key, change.id);
      }
    } finally {
      this.reads.delete(mark);
      if (this.reads.size === 0) this.ours.clear();
    }
  }

  private note(key: string, id: string | undefined): void {
    if (this.reads.size > 0) this.ours.set(key, { seq: ++this.seq, id });
  }
}
