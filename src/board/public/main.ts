import { ApiError, getJson, setKey, takeKeyFromLocation } from "./api.ts";
import { setupAddForm } from "./add-requirement-form.ts";
import type { BoardConfig, SeriesResponse } from "./board-types.ts";
import { BoardView } from "./board-view.ts";
import type { DataSource } from "./data-source.ts";
import { byId, replaceChildren } from "./dom.ts";
import { EventStreamSource } from "./event-stream-source.ts";
import { LiveSource } from "./live-source.ts";

/** Asks for the tracker's bearer key when the API refuses the board without one. */
function askForKey(): void {
  const form = byId<HTMLFormElement>("key-form");
  form.hidden = false;
  byId("key-input").focus();
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    setKey((byId("key-input") as HTMLInputElement).value.trim());
    location.reload();
  });
}

async function loadConfig(): Promise<BoardConfig | undefined> {
  for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await getJson<BoardConfig>("/board/api/config");
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        askForKey();
        return undefined;
      }
      const banner = byId("banner");
      banner.hidden = false;
      replaceChildren(banner, "Cannot reach the tracker; retrying…");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function boot(): Promise<void> {
  takeKeyFromLocation();
  const config = await loadConfig();
  if (!config) return;
  const source: DataSource = config.mode === "live" && config.workspace ? new LiveSource(config.workspace) : new EventStreamSource();
  const view = new BoardView(config, (key, field, value) => source.save?.(key, field, value));
  replaceChildren(byId("mode"), config.mode === "live" ? "Live from the embedded workspace" : `Read-only view of ${config.workspaceKind === "appflowy" ? "AppFlowy" : "the workspace"}`);
  const loadSeries = async (): Promise<void> => {
    try {
      view.setSeries(await getJson<SeriesResponse>(`/board/api/series?hours=${config.seriesHours}`));
    } catch {
      // The next refresh tries again; the plots keep their last data meanwhile.
    }
  };
  // The plots are fetched once the cards are up (or after a second without them), so they never delay the cards.
  let plotsStarted = false;
  const startPlots = (): void => {
    if (plotsStarted) return;
    plotsStarted = true;
    void loadSeries();
    setInterval(() => void loadSeries(), config.seriesRefreshMs);
  };
  setTimeout(startPlots, 1000);
  source.start(
    (data) => {
      view.render(data);
      startPlots();
    },
    (c) => view.setConnection(c),
  );
  setupAddForm(config);
  setInterval(() => view.tick(), 30_000);
}

void boot();
