import type { BoardRow } from "./board-types.ts";
import { h, replaceChildren } from "./dom.ts";
import { parseEvidence } from "./evidence-lines.ts";
import { FieldSlot, type FieldKind } from "./field-editor.ts";
import { cellText, relativeTime, statusClass, toTime } from "./format.ts";

export interface CardContext {
  /** Fields people may edit; empty when the board is read-only. */
  editable: readonly string[];
  priorities: readonly string[];
  save(key: string, field: string, value: string): void;
}

const RESULT_TEXT = { pass: "pass", fail: "fail", unverified: "no data", note: "note" } as const;
const RESULT_MARK = { pass: "✓", fail: "✗", unverified: "?", note: "·" } as const;
const FIELD_KINDS: [string, FieldKind][] = [
  ["Priority", "select"],
  ["Owner", "line"],
  ["Description", "text"],
  ["Criteria", "code"],
];

/** A requirement's card. Built once per requirement and updated in place, so an open editor survives live updates. */
export class RequirementCard {
  readonly root: HTMLElement;
  readonly key: string;
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly verified: HTMLElement;
  private readonly invalid: HTMLElement;
  private readonly evidence: HTMLUListElement;
  private readonly services: HTMLElement;
  private readonly link: HTMLAnchorElement;
  private readonly slots = new Map<string, FieldSlot>();
  private lastVerified: number | null = null;

  constructor(key: string, ctx: CardContext) {
    this.key = key;
    const titleId = `title-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    this.title = h("h3", { class: "card-title", id: titleId });
    this.status = h("span", { class: "status" });
    this.verified = h("p", { class: "verified" });
    this.invalid = h("div", { class: "invalid", role: "note" });
    this.invalid.hidden = true;
    this.evidence = h("ul", { class: "evidence", "aria-label": `Criteria of ${key} and what was measured` });
    this.services = h("span", { class: "services-list" });
    this.link = h("a", { class: "open-link", target: "_blank", rel: "noopener noreferrer" }, "Open in AppFlowy");
    this.link.hidden = true;
    for (const [field, kind] of FIELD_KINDS) {
      const editable = ctx.editable.includes(field);
      this.slots.set(
        field,
        new FieldSlot({ owner: key, field, kind, options: ctx.priorities, save: editable ? (value) => ctx.save(key, field, value) : undefined }),
      );
    }
    const slot = (f: string) => this.slots.get(f)!.root;
    this.root = h(
      "article",
      { class: "card", "data-key": key, "aria-labelledby": titleId },
      h("header", { class: "card-head" }, h("span", { class: "req-id" }, key), this.status),
      this.title,
      this.verified,
      this.invalid,
      this.evidence,
      h("div", { class: "card-meta" }, slot("Priority"), slot("Owner"), h("div", { class: "field" }, h("div", { class: "field-head" }, h("span", { class: "field-name" }, "Services")), this.services)),
      slot("Description"),
      slot("Criteria"),
      this.link,
    );
  }

  update(row: BoardRow, now: number): void {
    const c = row.cells;
    replaceChildren(this.title, cellText(c.Title) || "(untitled)");
    const status = cellText(c.Status) || "Unverified";
    this.status.className = `status st-${statusClass(status)}`;
    replaceChildren(this.status, status);
    this.root.className = `card is-${statusClass(status)}`;
    this.lastVerified = toTime(c["Last verified"]);
    this.tick(now);

    const evidence = cellText(c.Evidence);
    if (status === "Invalid") {
      this.invalid.hidden = false;
      // The engine marks each error line with an icon; the text after it is what helps.
      const errors = parseEvidence(evidence).map((l) => (l.measured ? `${l.criterion} — ${l.measured}` : l.criterion));
      replaceChildren(this.invalid, h("strong", null, "The criteria do not parse"), h("pre", { class: "parse-error" }, errors.join("\n") || "(no detail given)"));
      replaceChildren(this.evidence);
    } else {
      this.invalid.hidden = true;
      const lines = parseEvidence(evidence);
      replaceChildren(
        this.evidence,
        ...(lines.length === 0
          ? [h("li", { class: "ev none" }, "No evidence yet")]
          : lines.map((l) =>
              h(
                "li",
                { class: `ev ${l.result}` },
                h("span", { class: "ev-mark", "aria-hidden": "true" }, RESULT_MARK[l.result]),
                h("span", { class: "sr" }, `${RESULT_TEXT[l.result]}: `),
                h("span", { class: "ev-criterion" }, l.criterion),
                l.measured ? h("span", { class: "ev-measured" }, l.measured) : null,
              ),
            )),
      );
    }
    replaceChildren(this.services, cellText(c.Services) || "—");
    for (const [field, slot] of this.slots) slot.update(cellText(c[field]));
    if (row.url) {
      this.link.href = row.url;
      this.link.hidden = false;
      this.link.setAttribute("aria-label", `Open ${this.key} in AppFlowy`);
    } else this.link.hidden = true;
  }

  /** Refreshes the relative "last verified" time. */
  tick(now: number): void {
    if (this.lastVerified === null) {
      replaceChildren(this.verified, "Never verified");
      return;
    }
    const iso = new Date(this.lastVerified).toISOString();
    replaceChildren(this.verified, "Last verified ", h("time", { datetime: iso, title: iso }, relativeTime(this.lastVerified, now)));
  }

  get isEditing(): boolean {
    return [...this.slots.values()].some((s) => s.isEditing);
  }
}
