import { StringDecoder } from "node:string_decoder";

/**
 * Cuts a byte stream into frames: SSE events (separated by a blank line) or NDJSON lines. Bytes of a
 * character split across chunks are held back, so a frame is never cut inside a UTF-8 sequence.
 */
export class FrameSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private buffer = "";
  private heldCr = false;
  private readonly separator: string;

  constructor(kind: "sse" | "ndjson") {
    this.separator = kind === "sse" ? "\n\n" : "\n";
  }

  /** The frames completed by this chunk, without their separators; empty frames are dropped. */
  push(chunk: Buffer): string[] {
    let text = this.decoder.write(chunk);
    if (this.heldCr) text = "\r" + text;
    // A CRLF split across chunks must not read as two line ends.
    this.heldCr = text.endsWith("\r");
    if (this.heldCr) text = text.slice(0, -1);
    if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
    this.buffer = this.buffer ? this.buffer + text : text;
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const i = this.buffer.indexOf(this.separator, start);
      if (i < 0) break;
      if (i > start) out.push(this.buffer.slice(start, i));
      start = i + this.separator.length;
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.slice(start);
    return out;
  }

  /** What is left after the stream ended: a last frame without its separator, if any. */
  rest(): string {
    const last = (this.buffer + (this.heldCr ? "\n" : "") + this.decoder.end()).trim();
    this.buffer = "";
    return last;
  }
}

/**
 * The data of one SSE event (its `data:` lines joined), or undefined for comments, keep-alives and named
 * events other than `message` (mistral.rs interleaves agentic progress events that are not chat chunks).
 */
export function sseData(frame: string): string | undefined {
  if (frame.startsWith("data:") && !frame.includes("\n")) return frame.charCodeAt(5) === 32 ? frame.slice(6) : frame.slice(5);
  let data: string | undefined;
  for (const line of frame.split("\n")) {
    if (line.startsWith("data:")) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      data = data === undefined ? value : `${data}\n${value}`;
    } else if (line.startsWith("event:") && line.slice(6).trim() !== "message") return undefined;
  }
  return data;
}
