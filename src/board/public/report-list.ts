import type { BoardPage } from "./board-types.ts";
import { h, type Child } from "./dom.ts";
import { relativeTime } from "./format.ts";
import { parseInline, parseMarkdown, type Block } from "./markdown-blocks.ts";

/**
 * The newest report pages; markdown is rendered block by block as text nodes. `openKeys` keeps the reports a
 * person opened open across updates; null (first render) opens the newest.
 */
export function reportList(pages: readonly BoardPage[], now: number, openKeys: ReadonlySet<string> | null): HTMLElement {
  if (pages.length === 0) return h("p", { class: "empty-state" }, "No reports yet: the first is written at the next scheduled run.");
  return h(
    "div",
    { class: "reports" },
    ...pages.map((p, i) =>
      h(
        "details",
        { class: "report", "data-page": p.key, open: openKeys ? openKeys.has(p.key) : i === 0 },
        h("summary", null, h("span", { class: "report-title" }, p.title), " ", p.updatedAt ? h("span", { class: "muted", "data-t": p.updatedAt }, relativeTime(p.updatedAt, now)) : null),
        h("div", { class: "report-body" }, ...parseMarkdown(p.markdown).map(block)),
      ),
    ),
  );
}

function inline(text: string): Child[] {
  return parseInline(text).map((t) => (t.bold ? h("strong", null, t.text) : t.code ? h("code", null, t.text) : t.text));
}

function block(b: Block): HTMLElement {
  switch (b.type) {
    case "heading":
      // Report headings sit under the section's h2 and a report's own summary.
      return h(b.level <= 1 ? "h3" : b.level === 2 ? "h4" : "h5", null, ...inline(b.text));
    case "paragraph":
      return h("p", null, ...inline(b.text));
    case "list":
      return h(b.ordered ? "ol" : "ul", null, ...b.items.map((i) => h("li", null, ...inline(i))));
    case "code":
      return h("pre", null, h("code", null, b.text));
    case "table":
      return h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          null,
          h("thead", null, h("tr", null, ...b.header.map((c) => h("th", { scope: "col" }, ...inline(c))))),
          h("tbody", null, ...b.rows.map((r) => h("tr", null, ...r.map((c) => h("td", null, ...inline(c)))))),
        ),
      );
  }
}
