import type { BoardRow, ServiceSeries } from "./board-types.ts";
import { h } from "./dom.ts";
import { cellText, formatMs, formatPercent, relativeTime, statusClass, toTime } from "./format.ts";
import { availabilityPlot, latencyPlot } from "./svg-plots.ts";

export interface SeriesView {
  hours: number;
  bucketMs: number;
  byService: Map<string, ServiceSeries>;
}

/** One service: its state from the Services database, and its last 24 h from the local store. */
export function servicePanel(name: string, row: BoardRow | undefined, series: SeriesView | undefined, now: number): HTMLElement {
  const c = row?.cells ?? {};
  const status = cellText(c.Status) || "unknown";
  const checked = toTime(c["Last check"]);
  const latency = typeof c["Latency ms"] === "number" ? c["Latency ms"] : null;
  const uptime = typeof c["Uptime 24h %"] === "number" ? c["Uptime 24h %"] / 100 : (series?.byService.get(name)?.availability ?? null);
  const detail = [cellText(c.Kind), cellText(c.Version), cellText(c.Models)].filter(Boolean).join(" · ");
  const s = series?.byService.get(name);
  return h(
    "article",
    { class: `svc is-${statusClass(status)}`, "data-service": name },
    h("header", { class: "svc-head" }, h("h3", null, name), h("span", { class: `status st-${statusClass(status)}` }, status)),
    h(
      "dl",
      { class: "facts" },
      h("div", null, h("dt", null, "Latency"), h("dd", { class: "svc-latency" }, formatMs(latency))),
      h("div", null, h("dt", null, "Uptime 24 h"), h("dd", null, formatPercent(uptime))),
      h("div", null, h("dt", null, "Checked"), h("dd", null, checked === null ? "—" : h("time", { datetime: new Date(checked).toISOString() }, relativeTime(checked, now)))),
    ),
    detail ? h("p", { class: "svc-detail" }, detail) : null,
    s && series ? availabilityPlot(s, series.hours, series.bucketMs) : null,
    s && series ? latencyPlot(s, series.hours) : null,
  );
}
