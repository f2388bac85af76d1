import { describe, expect, it } from "vitest";
import { FrameSplitter, sseData } from "../../src/router/frame-splitter.ts";

describe("FrameSplitter", () => {
  it.each([
    { name: "splits SSE events on blank lines", kind: "sse" as const, chunks: ["data: a\n\ndata: b\n\n"], frames: ["data: a", "data: b"], rest: "" },
    { name: "joins an SSE event split across chunks", kind: "sse" as const, chunks: ["data: hel", "lo\n", "\ndata: x"], frames: ["data: hello"], rest: "data: x" },
    { name: "reads CRLF line ends, even split between chunks", kind: "sse" as const, chunks: ["data: a\r", "\n\r\ndata: b\r\n\r\n"], frames: ["data: a", "data: b"], rest: "" },
    { name: "splits NDJSON lines and keeps an unterminated last line as the rest", kind: "ndjson" as const, chunks: ['{"a":1}\n{"b"', ":2}\n", '{"c":3}'], frames: ['{"a":1}', '{"b":2}'], rest: '{"c":3}' },
    { name: "drops empty NDJSON lines", kind: "ndjson" as const, chunks: ["\n\n{}\n\n"], frames: ["{}"], rest: "" },
  ])("FrameSplitter $name", ({ kind, chunks, frames, rest }) => {
    const s = new FrameSplitter(kind);
    const out = chunks.flatMap((c) => s.push(Buffer.from(c)));
    expect(out).toEqual(frames);
    expect(s.rest()).toBe(rest);
  });

  it("FrameSplitter never cuts a UTF-8 character split across chunks", () => {
    const bytes = Buffer.from('{"t":"café ☕"}\n');
    const s = new FrameSplitter("ndjson");
    const out = [...s.push(bytes.subarray(0, 10)), ...s.push(bytes.subarray(10, 14)), ...s.push(bytes.subarray(14))];
    expect(out).toEqual(['{"t":"café ☕"}']);
  });
});

describe("sseData()", () => {
  it.each([
    { name: "one data line", frame: 'data: {"a":1}', data: '{"a":1}' },
    { name: "data without the space", frame: "data:[DONE]", data: "[DONE]" },
    { name: "several data lines joined", frame: "data: a\ndata: b", data: "a\nb" },
    { name: "a comment (mlx keep-alive)", frame: ": keepalive 10/10", data: undefined },
    { name: "a named event other than message (mistral.rs progress)", frame: "event: agentic_tool_call_progress\ndata: {}", data: undefined },
    { name: "an explicit message event", frame: "event: message\ndata: x", data: "x" },
    { name: "llama.cpp's bare error line", frame: 'error: {"code":500}', data: undefined },
  ])("sseData() reads $name", ({ frame, data }) => {
    expect(sseData(frame)).toBe(data);
  });
});
