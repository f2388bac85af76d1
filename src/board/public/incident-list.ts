import type { BoardRow } from "./board-types.ts";
import { h } from "./dom.ts";
import { cellText, relativeTime, statusClass, toTime } from "./format.ts";

/** Open incidents first (newest first), then the most recent resolved ones. */
export function incidentList(rows: readonly BoardRow[], now: number, recent = 8): HTMLElement {
  const opened = (r: BoardRow) => toTime(r.cells.Opened) ?? 0;
  const open = rows.filter((r) => cellText(r.cells.Status) !== "resolved").sort((a, b) => opened(b) - opened(a));
  const resolved = rows.filter((r) => cellText(r.cells.Status) === "resolved").sort((a, b) => opened(b) - opened(a)).slice(0, recent);
  if (open.length === 0 && resolved.length === 0) return h("p", { class: "empty-state" }, "No incidents recorded.");
  return h(
    "div",
    { class: "incidents" },
    h("h3", { class: "sub" }, `Open (${open.length})`),
    open.length ? h("ul", { class: "incident-list" }, ...open.map((r) => incident(r, now))) : h("p", { class: "empty-state ok" }, "Nothing open."),
    resolved.length ? h("h3", { class: "sub" }, "Recently resolved") : null,
    resolved.length ? h("ul", { class: "incident-list" }, ...resolved.map((r) => incident(r, now))) : null,
  );
}

function incident(r: BoardRow, now: number): HTMLElement {
  const c = r.cells;
  const status = cellText(c.Status) || "open";
  const openedAt = toTime(c.Opened);
  const facts = [cellText(c.Service), cellText(c.Kind), cellText(c.Severity), openedAt === null ? "" : `opened ${relativeTime(openedAt, now)}`, cellText(c.Duration) && `lasted ${cellText(c.Duration)}`]
    .filter(Boolean)
    .join(" · ");
  return h(
    "li",
    { class: `incident is-${statusClass(status)} sev-${statusClass(c.Severity)}`, "data-incident": r.key },
    h("div", { class: "incident-head" }, h("span", { class: `status st-${statusClass(status)}` }, status), h("strong", null, r.key)),
    h("p", { class: "incident-facts" }, facts),
    cellText(c.Summary) ? h("p", { class: "incident-summary" }, cellText(c.Summary)) : null,
    cellText(c["Requirements affected"]) ? h("p", { class: "incident-reqs" }, `Requirements affected: ${cellText(c["Requirements affected"])}`) : null,
  );
}
