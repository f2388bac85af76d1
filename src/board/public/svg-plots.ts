import type { ServiceSeries } from "./board-types.ts";
import { h, s } from "./dom.ts";
import { formatMs, formatPercent } from "./format.ts";
import { availabilityBand, linePath, niceCeil } from "./plot-geometry.ts";

const W = 300;

// One formatter for every bar's tooltip: toLocaleTimeString builds a new one per call, which is slow over ~1,000 bars.
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

function clock(t: number): string {
  return CLOCK.format(t);
}

/** One bar per time bucket, coloured by the share of checks that did not fail; grey where nothing was checked. */
export function availabilityPlot(series: ServiceSeries, hours: number, bucketMs: number): HTMLElement {
  const n = series.buckets.length || 1;
  const bw = W / n;
  const svg = s(
    "svg",
    { class: "plot-svg avail", viewBox: `0 0 ${W} 20`, preserveAspectRatio: "none", role: "img", "aria-label": `${series.service}: availability ${formatPercent(series.availability)} over ${hours} h` },
    ...series.buckets.map((b, i) =>
      s(
        "rect",
        { x: (i * bw + bw * 0.08).toFixed(2), y: 0, width: (bw * 0.84).toFixed(2), height: 20, class: `band-${availabilityBand(b.availability)}` },
        s("title", null, `${clock(b.t)}–${clock(b.t + bucketMs)}: ${b.checks ? `${formatPercent(b.availability)} of ${b.checks} checks` : "no checks"}`),
      ),
    ),
  );
  return h(
    "figure",
    { class: "plot" },
    h("figcaption", null, h("span", null, "Availability"), h("span", { class: "plot-value" }, formatPercent(series.availability))),
    svg,
  );
}

/** p95 and p50 latency per bucket as two lines over a scale starting at zero; gaps where nothing answered. */
export function latencyPlot(series: ServiceSeries, hours: number): HTMLElement {
  const H = 40;
  const p95 = series.buckets.map((b) => b.p95);
  const p50 = series.buckets.map((b) => b.p50);
  const max = niceCeil(Math.max(0, ...p95.filter((v): v is number => v !== null)));
  const hasData = p95.some((v) => v !== null);
  const svg = s(
    "svg",
    { class: "plot-svg latency", viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img", "aria-label": `${series.service}: latency p95 ${formatMs(series.p95)} over ${hours} h` },
    s("line", { x1: 0, y1: 0.5, x2: W, y2: 0.5, class: "gridline", "vector-effect": "non-scaling-stroke" }),
    s("line", { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, class: "gridline", "vector-effect": "non-scaling-stroke" }),
    hasData ? s("path", { d: linePath(p50, W, H - 1, max), class: "line p50", "vector-effect": "non-scaling-stroke" }) : null,
    hasData ? s("path", { d: linePath(p95, W, H - 1, max), class: "line p95", "vector-effect": "non-scaling-stroke" }) : null,
  );
  return h(
    "figure",
    { class: "plot" },
    h("figcaption", null, h("span", null, "Latency"), h("span", { class: "plot-value" }, hasData ? `p95 ${formatMs(series.p95)}` : "no data")),
    svg,
    h(
      "div",
      { class: "plot-axis", "aria-hidden": "true" },
      h("span", null, `${hours} h ago`),
      h("span", null, h("span", { class: "key p95" }, "— p95"), " ", h("span", { class: "key p50" }, "┄ p50"), ` · top ${formatMs(max)}`),
      h("span", null, "now"),
    ),
  );
}
