import type { BoardConfig, BoardData, SeriesResponse } from "./board-types.ts";
import type { Connection } from "./data-source.ts";
import { byId, h, replaceChildren } from "./dom.ts";
import { cellText, relativeTime, statusClass } from "./format.ts";
import { incidentList } from "./incident-list.ts";
import { reportList } from "./report-list.ts";
import { RequirementCard } from "./requirement-card.ts";
import { servicePanel, type SeriesView } from "./service-panel.ts";

const STATUS_ORDER = ["Failing", "Invalid", "Degraded", "Unverified", "Verified"];

/** The board's sections: requirement cards (kept and updated in place), services with plots, incidents, reports. */
export class BoardView {
  private readonly config: BoardConfig;
  private readonly save: (key: string, field: string, value: string) => void;
  private readonly cards = new Map<string, RequirementCard>();
  private data: BoardData | undefined;
  private series: SeriesView | undefined;
  private shown = { services: "", incidents: "", reports: "" };
  private connectingSince = Date.now();
  private firstData = true;

  constructor(config: BoardConfig, save: (key: string, field: string, value: string) => void) {
    this.config = config;
    this.save = save;
  }

  render(data: BoardData): void {
    this.data = data;
    const now = Date.now();
    this.renderRequirements(data, now);
    if (this.firstData && data.requirements.length > 0) {
      this.firstData = false;
      // Read by the end-to-end test to print the time until the cards are on the page.
      performance.mark("board:first-data");
      document.body.dataset.ready = "true";
    }
    this.renderRest(false);
  }

  setSeries(series: SeriesResponse): void {
    this.series = { hours: Math.round((series.to - series.from) / 3_600_000), bucketMs: series.bucketMs, byService: new Map(series.services.map((s) => [s.service, s])) };
    this.renderRest(false);
  }

  /** Refreshes relative times ("3 min ago"). Reports keep their DOM (and any text a person selected). */
  tick(): void {
    const now = Date.now();
    for (const card of this.cards.values()) card.tick(now);
    this.renderRest(true);
    for (const el of Array.from(byId("report-list").querySelectorAll<HTMLElement>("[data-t]"))) {
      replaceChildren(el, relativeTime(Number(el.dataset.t), now));
    }
  }

  private renderRequirements(data: BoardData, now: number): void {
    const list = byId("cards");
    const rows = [...data.requirements].sort((a, b) => a.key.localeCompare(b.key, "en", { numeric: true }));
    const keys = new Set(rows.map((r) => r.key));
    for (const [key, card] of this.cards) {
      if (!keys.has(key)) {
        card.root.remove();
        this.cards.delete(key);
      }
    }
    rows.forEach((row, i) => {
      let card = this.cards.get(row.key);
      if (!card) {
        card = new RequirementCard(row.key, { editable: this.config.editableFields, priorities: this.config.priorities, save: this.save });
        this.cards.set(row.key, card);
      }
      card.update(row, now);
      // Only move a card when it is out of place: moving a node takes the focus out of an open editor.
      if (list.children[i] !== card.root) list.insertBefore(card.root, list.children[i] ?? null);
    });
    const empty = byId("cards-empty");
    empty.hidden = rows.length > 0;
    replaceChildren(empty, "No requirements yet: add one from a template, or let the tracker seed the reference set.");

    const counts = new Map<string, number>();
    for (const r of rows) {
      const s = cellText(r.cells.Status) || "Unverified";
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    const rank = (s: string): number => (STATUS_ORDER.includes(s) ? STATUS_ORDER.indexOf(s) : STATUS_ORDER.length);
    const order = [...counts.keys()].sort((a, b) => rank(a) - rank(b));
    replaceChildren(
      byId("req-summary"),
      ...order.map((s) => h("span", { class: `chip st-${statusClass(s)}` }, `${counts.get(s)} ${s}`)),
    );
  }

  /** Services, incidents and reports are rebuilt only when what they show changed (or on a tick). */
  private renderRest(force: boolean): void {
    const data = this.data;
    if (!data) return;
    const now = Date.now();
    const serviceKey = JSON.stringify([data.services, this.series ? [...this.series.byService.values()] : null]);
    if (force || serviceKey !== this.shown.services) {
      this.shown.services = serviceKey;
      const rows = new Map(data.services.map((r) => [r.key, r]));
      const names = [...new Set([...this.config.services, ...rows.keys(), ...(this.series?.byService.keys() ?? [])])];
      replaceChildren(
        byId("service-list"),
        ...(names.length ? names.map((n) => servicePanel(n, rows.get(n), this.series, now)) : [h("p", { class: "empty-state" }, "No services configured.")]),
      );
    }
    const incidentKey = JSON.stringify(data.incidents);
    if (force || incidentKey !== this.shown.incidents) {
      this.shown.incidents = incidentKey;
      replaceChildren(byId("incident-list"), incidentList(data.incidents, now));
    }
    const reportKey = JSON.stringify(data.pages);
    if (reportKey !== this.shown.reports) {
      const container = byId("report-list");
      // Keep what a person opened or closed; until reports were on the page, open the newest.
      const shown = container.querySelectorAll<HTMLDetailsElement>("details");
      const open = shown.length ? new Set(Array.from(shown, (d) => (d.open ? (d.dataset.page ?? "") : ""))) : null;
      this.shown.reports = reportKey;
      replaceChildren(container, reportList(data.pages, now, open));
    }
  }

  setConnection(c: Connection): void {
    const pill = byId("connection");
    const banner = byId("banner");
    const live = this.config.mode === "live";
    let text: string;
    if (c.state === "live") {
      this.connectingSince = Date.now();
      text = live ? (c.pending ? "Live · saving…" : "Live") : "Read-only";
    } else if (c.state === "connecting") text = "Connecting…";
    else if (c.state === "lost") text = "Offline · reconnecting";
    else text = "Not connected";
    pill.className = `pill conn-${c.state}`;
    // The pill is a live region: rewrite it only when it says something new.
    if (pill.textContent !== text) replaceChildren(pill, text);
    if (c.updatedAt) pill.title = `Updated ${new Date(c.updatedAt).toLocaleTimeString()}`;

    let message: string | undefined;
    if (c.state === "lost") {
      message = live
        ? "Lost the connection to the workspace. Reconnecting by itself; edits made meanwhile are kept and sent when it is back."
        : "Lost the connection to the tracker. Reconnecting by itself…";
    } else if (c.state === "refused") message = c.detail ?? "The board was refused.";
    else if (c.state === "connecting" && Date.now() - this.connectingSince > 3000) message = "Still trying to reach the workspace…";
    banner.hidden = message === undefined;
    banner.className = `banner ${c.state}`;
    if (banner.textContent !== (message ?? "")) replaceChildren(banner, message ?? "");

    const warn = byId("problems");
    warn.hidden = !c.problems?.length;
    replaceChildren(warn, ...(c.problems ?? []).map((p) => h("p", null, `Could not read ${p}`)));
  }
}
