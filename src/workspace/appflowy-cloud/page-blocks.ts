/**
 * Markdown to AppFlowy's SerdeBlock tree (API.md 5.4: the `page_data` of a document page) and back.
 * Covers what the tracker's templates produce: headings, paragraphs, lists, to-dos, quotes, code and rules,
 * with bold, italic, inline code and links.
 */

export interface DeltaOp {
  insert: string;
  attributes?: Record<string, unknown>;
}

export interface SerdeBlock {
  type: string;
  data: Record<string, unknown>;
  children: SerdeBlock[];
}

const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\*([^*]+)\*|_([^_]+)_/g;

export function inlineToDelta(text: string): DeltaOp[] {
  const ops: DeltaOp[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index! > last) ops.push({ insert: text.slice(last, m.index) });
    if (m[1] !== undefined) ops.push({ insert: m[1], attributes: { bold: true } });
    else if (m[2] !== undefined) ops.push({ insert: m[2], attributes: { code: true } });
    else if (m[3] !== undefined) ops.push({ insert: m[3], attributes: { href: m[4] } });
    else ops.push({ insert: (m[5] ?? m[6])!, attributes: { italic: true } });
    last = m.index! + m[0].length;
  }
  if (last < text.length) ops.push({ insert: text.slice(last) });
  return ops;
}

export function deltaToInline(ops: readonly DeltaOp[]): string {
  return ops
    .map((op) => {
      const a = op.attributes ?? {};
      if (a.href) return `[${op.insert}](${String(a.href)})`;
      if (a.code) return `\`${op.insert}\``;
      if (a.bold) return `**${op.insert}**`;
      if (a.italic) return `*${op.insert}*`;
      return op.insert;
    })
    .join("");
}

const block = (type: string, data: Record<string, unknown> = {}): SerdeBlock => ({ type, data, children: [] });

/** The `page_data` for a document page: a `page` root holding one block per markdown block. */
export function markdownToPageData(markdown: string): SerdeBlock {
  const root = block("page");
  const lines = markdown.replace(/\r\n/g, "\n").split("\n");
  let paragraph: string[] = [];
  const endParagraph = (): void => {
    if (paragraph.length > 0) root.children.push(block("paragraph", { delta: inlineToDelta(paragraph.join(" ")) }));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if (/^```/.test(line)) {
      endParagraph();
      const language = line.slice(3).trim();
      const body: string[] = [];
      while (++i < lines.length && !/^```/.test(lines[i]!)) body.push(lines[i]!);
      root.children.push(block("code", { language, delta: [{ insert: body.join("\n") }] }));
    } else if (line.trim() === "") {
      endParagraph();
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      endParagraph();
      root.children.push(block("heading", { level: Math.min(3, m[1]!.length), delta: inlineToDelta(m[2]!) }));
    } else if (/^(-{3,}|\*{3,})\s*$/.test(line)) {
      endParagraph();
      root.children.push(block("divider"));
    } else if ((m = /^\s*[-*]\s+\[([ xX])\]\s+(.*)$/.exec(line))) {
      endParagraph();
      root.children.push(block("todo_list", { checked: m[1] !== " ", delta: inlineToDelta(m[2]!) }));
    } else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) {
      endParagraph();
      root.children.push(block("bulleted_list", { delta: inlineToDelta(m[1]!) }));
    } else if ((m = /^\s*\d+[.)]\s+(.*)$/.exec(line))) {
      endParagraph();
      root.children.push(block("numbered_list", { delta: inlineToDelta(m[1]!) }));
    } else if ((m = /^>\s?(.*)$/.exec(line))) {
      endParagraph();
      root.children.push(block("quote", { delta: inlineToDelta(m[1]!) }));
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  return root;
}

/** Markdown for a block tree read back from a document (the root's children). */
export function blocksToMarkdown(blocks: readonly SerdeBlock[]): string {
  const out: string[] = [];
  const types: string[] = [];
  let n = 0;
  for (const b of blocks) {
    const text = deltaToInline((b.data.delta as DeltaOp[] | undefined) ?? []);
    n = b.type === "numbered_list" ? n + 1 : 0;
    switch (b.type) {
      case "heading":
        out.push(`${"#".repeat(Number(b.data.level ?? 1))} ${text}`);
        break;
      case "bulleted_list":
        out.push(`- ${text}`);
        break;
      case "numbered_list":
        out.push(`${n}. ${text}`);
        break;
      case "todo_list":
        out.push(`- [${b.data.checked ? "x" : " "}] ${text}`);
        break;
      case "quote":
        out.push(`> ${text}`);
        break;
      case "divider":
        out.push("---");
        break;
      case "code":
        out.push(`\`\`\`${String(b.data.language ?? "")}\n${((b.data.delta as DeltaOp[] | undefined) ?? []).map((o) => o.insert).join("")}\n\`\`\``);
        break;
      default:
        out.push(text);
    }
    types.push(b.type);
    if (b.children.length > 0) {
      out.push(blocksToMarkdown(b.children));
      types.push("children");
    }
  }
  // Consecutive items of one list stay together; everything else is a block of its own.
  const LISTS = new Set(["bulleted_list", "numbered_list", "todo_list"]);
  return out.reduce((acc, line, i) => (i === 0 ? line : acc + (LISTS.has(types[i]!) && types[i] === types[i - 1] ? "\n" : "\n\n") + line), "");
}
