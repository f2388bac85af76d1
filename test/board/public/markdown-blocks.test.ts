import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown } from "../../../src/board/public/markdown-blocks.ts";

describe("parseMarkdown()", () => {
  it.each([
    { name: "headings by level", md: "# One\n### Three ###", want: [{ type: "heading", level: 1, text: "One" }, { type: "heading", level: 3, text: "Three" }] },
    { name: "a paragraph joined across lines", md: "first line\nsecond line\n\nnext", want: [{ type: "paragraph", text: "first line second line" }, { type: "paragraph", text: "next" }] },
    { name: "bullet and numbered lists", md: "- a\n* b\n\n1. one\n2) two", want: [{ type: "list", ordered: false, items: ["a", "b"] }, { type: "list", ordered: true, items: ["one", "two"] }] },
    {
      name: "a table with its header",
      md: "| A | B |\n| --- | :-: |\n| 1 | 2 |\n| 3 | 4 |\nafter",
      want: [{ type: "table", header: ["A", "B"], rows: [["1", "2"], ["3", "4"]] }, { type: "paragraph", text: "after" }],
    },
    { name: "a code fence kept verbatim", md: "```\n<b>x</b>\n  y\n```", want: [{ type: "code", text: "<b>x</b>\n  y" }] },
    { name: "HTML stays text", md: "<img src=x onerror=alert(1)>", want: [{ type: "paragraph", text: "<img src=x onerror=alert(1)>" }] },
    { name: "a pipe line without a separator is a paragraph", md: "| not a table", want: [{ type: "paragraph", text: "| not a table" }] },
  ])("parseMarkdown() reads $name", ({ md, want }) => {
    expect(parseMarkdown(md)).toEqual(want);
  });
});

describe("parseInline()", () => {
  it.each([
    { name: "plain text", text: "just text", want: [{ text: "just text" }] },
    { name: "bold and code", text: "a **b** `c` d", want: [{ text: "a " }, { text: "b", bold: true }, { text: " " }, { text: "c", code: true }, { text: " d" }] },
    { name: "a link keeps its text only", text: "see [the run](https://example.test/runs/7)", want: [{ text: "see " }, { text: "the run" }] },
  ])("parseInline() splits $name", ({ text, want }) => {
    expect(parseInline(text)).toEqual(want);
  });
});
