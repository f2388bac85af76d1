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
  const { res, sink } = o;
  const splitter = new FrameSplitter(o.from === "openai" ? "sse" : "ndjson");
  const translate = translator(o);
  return new Promise((resolve) => {
    let finished = false;
    let firstChunkMs: number | undefined;
    let firstWriteMs: number | undefined;
    // What the frames of one upstream chunk become, written at once: one write per chunk, not per frame.
    let pending = "";
    const finish = (outcome: RelayResult["outcome"], error?: string) => {
      if (finished) return;
      finished = true;
      const upstreamMs = o.clock() - o.started;
      if (outcome !== "cancelled") {
        const tail = outcome === "error" ? (o.to === "openai" ? openAiErrorFrame(error!, "stream_failed") : ollamaErrorLine(error!)) : "";
        firstWriteMs ??= o.clock() - o.started;
        sink.end(pending + tail);
      }
      pending = "";
      if (outcome !== "ok") {
        clearTimeout(timer);
        res.destroy();
      } else if (res.complete) clearTimeout(timer);
      // After the terminal frame the backend should close its answer; it gets the idle time, then is cut.
      else timer.refresh();
      resolve({ outcome, error, upstreamMs, firstChunkMs, firstWriteMs });
    };
    const timer = setTimeout(() => {
      if (finished) res.destroy();
      else finish("error", `the stream stalled for ${o.idleMs} ms`);
    }, o.idleMs);
    const handle = (frame: string): boolean => {
      let step: Step;
      try {
        step = translate(frame);
      } catch {
        finish("error", "the backend sent an unreadable stream frame");
        return false;
      }
      if (step.error !== undefined) {
        finish("error", `the backend reported an error mid-stream: ${step.error}`);
        return false;
      }
      pending += step.out;
      if (step.end) {
        finish("ok");
        return false;
      }
      return true;
    };
    sink.onGone(() => finish("cancelled"));
    res.on("data", (chunk: Buffer) => {
      if (finished) return;
      if (firstChunkMs === undefined) firstChunkMs = o.clock() - o.started;
      timer.refresh();
      for (const frame of splitter.push(chunk)) if (!handle(frame)) return;
      if (!pending) return;
      firstWriteMs ??= o.clock() - o.started;
      const out = pending;
      pending = "";
      if (!sink.write(out)) {
        res.pause();
        sink.onDrain(() => res.resume());
      }
    });
    res.on("end", () => {
      if (finished) {
        clearTimeout(timer);
        return;
      }
      const last = splitter.rest();
      if (last && !handle(last)) return;
      finish("error", "the stream ended before the answer was complete");
    });
    res.on("error", () => finish("error", "the stream was cut short"));
    res.on("close", () => {
      if (!res.complete) finish("error", "the stream was cut short");
    });
  });
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
