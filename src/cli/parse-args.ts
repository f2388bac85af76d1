import { parseArgs, type ParseArgsConfig } from "node:util";
import { TrackerError } from "../shared/errors.ts";

/** util.parseArgs with our usage errors: an unknown flag or a missing value exits 2 with the flag named. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new TrackerError("USAGE", (err as Error).message.replace(/\. To specify a positional argument.*$/, ""), { exitCode: 2 });
  }
}

export const CONFIG_OPTION = { config: { type: "string", short: "c" } } as const;

export function writeLine(stream: NodeJS.WritableStream, text = ""): void {
  stream.write(`${text}\n`);
}

/** A plain text table: columns padded to their widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
