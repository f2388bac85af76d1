import { describe, expect, it } from "vitest";
import { parseEvent } from "../../../src/board/public/event-stream-source.ts";

describe("parseEvent()", () => {
  it.each([
    { name: "a named event", block: 'event: snapshot\ndata: {"a":1}', want: { name: "snapshot", data: '{"a":1}' } },
    { name: "an unnamed event", block: "data: x", want: { name: "message", data: "x" } },
    { name: "data over several lines", block: "event: e\ndata: a\ndata: b", want: { name: "e", data: "a\nb" } },
    { name: "a comment (heartbeat)", block: ": ping", want: null },
    { name: "no space after the colon", block: "event:e\ndata:x", want: { name: "e", data: "x" } },
  ])("parseEvent() reads $name", ({ block, want }) => {
    expect(parseEvent(block)).toEqual(want);
  });
});
