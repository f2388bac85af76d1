/** The models a simulated server has on disk (available) and in memory (loaded), with load times. */
export class ModelSet {
  private availableList: string[];
  private loadedAt = new Map<string, number>();

  constructor(available: readonly string[], loaded: readonly string[], private readonly now: () => number = Date.now) {
    this.availableList = [...available];
    for (const name of loaded) this.load(name);
  }

  get available(): string[] {
    return [...this.availableList];
  }

  /** Loaded models, most recently loaded first (Ollama sorts /api/ps that way). */
  get loaded(): string[] {
    return [...this.loadedAt.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  }

  has(name: string): boolean {
    return this.availableList.includes(name);
  }

  isLoaded(name: string): boolean {
    return this.loadedAt.has(name);
  }

  /** When the model was loaded (ms since the epoch), or undefined. */
  loadedSince(name: string): number | undefined {
    return this.loadedAt.get(name);
  }

  /** Marks a model loaded; an unknown name is added to the available list, as a pull would. */
  load(name: string): void {
    if (!this.availableList.includes(name)) this.availableList.push(name);
    if (!this.loadedAt.has(name)) this.loadedAt.set(name, this.now());
  }

  unload(name: string): void {
    this.loadedAt.delete(name);
  }

  unloadAll(): string[] {
    const before = this.loaded;
    this.loadedAt.clear();
    return before;
  }

  set(models: { available?: readonly string[]; loaded?: readonly string[] }): void {
    if (models.available) this.availableList = [...models.available];
    if (models.loaded) {
      this.loadedAt.clear();
      for (const name of models.loaded) this.load(name);
    }
  }

  snapshot(): { available: string[]; loaded: string[] } {
    return { available: this.available, loaded: this.loaded };
  }
}
