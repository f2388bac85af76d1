import type { IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import type { Dialect, StreamEvent } from "./chat-types.ts";
import type { ChatSink } from "./chat-sink.ts";
import { decodeOllamaLine, ollamaErrorLine, OllamaStreamEncoder } from "./dialects/ollama.ts";
import { errorText, openAiErrorFrame, OpenAiStreamDecoder, OpenAiStreamEncoder } from "./dialects/openai.ts";
import { FrameSplitter, sseData } from "./frame-splitter.ts";

export interface RelayOptions {
  res: IncomingMessage;
  sink: ChatSink;
  /** The backend's dialect and the client's. */
  from: Dialect;
  to: Dialect;
  model: string;
  idleMs: number;
  clock: () => number;
  /** When the upstream request was sent (clock ms). */
  started: number;
  includeUsage: boolean;
}

export interface RelayResult {
  /** ok: the terminal frame came; error: the stream broke or the backend reported an error in it. */
  outcome: "ok" | "error" | "cancelled";
  error?: string;
  /** From the upstream request to the end of its stream. */
  upstreamMs: number;
  /** From the upstream request to its first body chunk. */
  firstChunkMs?: number;
  /** From the upstream request to the first bytes written to the client. */
  firstWriteMs?: number;
}

/** What one upstream frame becomes for the client. */
interface Step {
  out: string;
  end: boolean;
  error?: string;
}

type Translate = (frame: string) => Step;

/**
 * Relays a streamed answer frame by frame: passed through when the client speaks the backend's dialect,
 * translated otherwise. Only whole frames are written, so a stream that breaks can still be closed with a
 * well-formed error event (SSE `data: {"error":...}` or an NDJSON `{"error":...}` line) and the client sees
 * an error, not a truncated success.
 */
export function relayStream(o: RelayOptions): Promise<RelayResult> {
  return new Promise((resolve) => new StreamRelay(o, resolve));
}

/** One relayed stream's state; a class, so no closures are made (and named by tsx) per stream. */
class StreamRelay {
  private finished = false;
  private firstChunkMs: number | undefined;
  private firstWriteMs: number | undefined;
  /** What the frames of one upstream chunk become, written at once: one write per chunk, not per frame. */
  private pending = "";
  private readonly splitter: FrameSplitter;
  private readonly translate: Translate;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly o: RelayOptions,
    private readonly resolve: (r: RelayResult) => void,
  ) {
    this.splitter = new FrameSplitter(o.from === "openai" ? "sse" : "ndjson");
    this.translate = translator(o);
    this.timer = setTimeout(relayStalled, o.idleMs, this);
    const res = o.res;
    o.sink.onGone(() => this.finish("cancelled"));
    res.on("data", (chunk: Buffer) => this.onData(chunk));
    res.on("end", () => this.onEnd());
    res.on("error", () => this.finish("error", "the stream was cut short"));
    res.on("close", () => {
      if (!res.complete) this.finish("error", "the stream was cut short");
    });
  }

  stalled(): void {
    if (this.finished) this.o.res.destroy();
    else this.finish("error", `the stream stalled for ${this.o.idleMs} ms`);
  }

  private finish(outcome: RelayResult["outcome"], error?: string): void {
    if (this.finished) return;
    this.finished = true;
    const { o } = this;
    const upstreamMs = o.clock() - o.started;
    if (outcome !== "cancelled") {
      const tail = outcome === "error" ? (o.to === "openai" ? openAiErrorFrame(error!, "stream_failed") : ollamaErrorLine(error!)) : "";
      this.firstWriteMs ??= o.clock() - o.started;
      o.sink.end(this.pending + tail);
    }
    this.pending = "";
    if (outcome !== "ok") {
      clearTimeout(this.timer);
      o.res.destroy();
    } else if (o.res.complete) clearTimeout(this.timer);
    // After the terminal frame the backend should close its answer; it gets the idle time, then is cut.
    else this.timer.refresh();
    this.resolve({ outcome, error, upstreamMs, firstChunkMs: this.firstChunkMs, firstWriteMs: this.firstWriteMs });
  }

  /** Adds one frame's output to the pending write; false once the stream is over. */
  private handle(frame: string): boolean {
    let step: Step;
    try {
      step = this.translate(frame);
    } catch {
      this.finish("error", "the backend sent an unreadable stream frame");
      return false;
    }
    if (step.error !== undefined) {
      this.finish("error", `the backend reported an error mid-stream: ${step.error}`);
      return false;
    }
    this.pending += step.out;
    if (step.end) {
      this.finish("ok");
      return false;
    }
    return true;
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    const { o } = this;
    if (this.firstChunkMs === undefined) this.firstChunkMs = o.clock() - o.started;
    this.timer.refresh();
    for (const frame of this.splitter.push(chunk)) if (!this.handle(frame)) return;
    if (!this.pending) return;
    this.firstWriteMs ??= o.clock() - o.started;
    const out = this.pending;
    this.pending = "";
    if (!o.sink.write(out)) {
      o.res.pause();
      o.sink.onDrain(() => o.res.resume());
    }
  }

  private onEnd(): void {
    if (this.finished) {
      clearTimeout(this.timer);
      return;
    }
    const last = this.splitter.rest();
    if (last && !this.handle(last)) return;
    this.finish("error", "the stream ended before the answer was complete");
  }
}

function relayStalled(r: StreamRelay): void {
  r.stalled();
}

const DONE_FIELD = /"done"\s*:\s*true/;
const ERROR_FIRST = /^\{\s*"error"/;

function translator(o: RelayOptions): Translate {
  if (o.from === o.to) {
    if (o.from === "openai") {
      return (frame) => {
        const data = sseData(frame);
        // Comments (mlx's ": keepalive n/m" while it reads a long prompt) keep the client's connection alive.
        if (data === undefined) return { out: frame.charCodeAt(0) === 58 ? `${frame}\n\n` : "", end: false };
        if (data === "[DONE]") return { out: "data: [DONE]\n\n", end: true };
        if (ERROR_FIRST.test(data)) return { out: "", end: true, error: errorText(JSON.parse(data).error) };
        return { out: `data: ${data}\n\n`, end: false };
      };
    }
    return (line) => {
      if (ERROR_FIRST.test(line)) return { out: "", end: true, error: errorText(JSON.parse(line).error) };
      return { out: line + "\n", end: DONE_FIELD.test(line) };
    };
  }
  const encoder =
    o.to === "openai"
      ? new OpenAiStreamEncoder({ id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: o.model }, o.includeUsage)
      : new OllamaStreamEncoder({ model: o.model, createdAt: "", totalNs: 0 }, o.to === "ollama-generate", o.started, o.clock);
  const apply = (events: StreamEvent[], endAfter: boolean): Step => {
    let out = "";
    let end = endAfter;
    for (const ev of events) {
      if (ev.type === "error") return { out, end: true, error: ev.message };
      if (ev.type === "delta") out += encoder.delta(ev);
      else {
        encoder.done(ev);
        // Ollama's done line is its last; OpenAI's finish chunk is followed by usage and [DONE].
        if (o.from !== "openai") end = true;
      }
    }
    if (end) out += encoder.end();
    return { out, end };
  };
  if (o.from === "openai") {
    const decoder = new OpenAiStreamDecoder();
    return (frame) => {
      const data = sseData(frame);
      if (data === undefined) return { out: "", end: false };
      const events = decoder.frame(data);
      return events === "end" ? apply([], true) : apply(events, false);
    };
  }
  return (line) => {
    const events = decodeOllamaLine(line);
    return events === "end" ? apply([], true) : apply(events, false);
  };
}
