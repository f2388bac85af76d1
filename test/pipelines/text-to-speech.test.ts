import { describe, expect, it } from "vitest";
import { completeEvent } from "../../src/pipelines/text-to-speech.ts";

describe("completeEvent()", () => {
  it.each([
    {
      name: "the outputs after heartbeats",
      sse: 'event: heartbeat\ndata: null\n\nevent: complete\ndata: [{"url":"http://x/file=a.wav"}, 42, "log"]\n\n',
      outputs: [{ url: "http://x/file=a.wav" }, 42, "log"],
    },
    { name: "CRLF line ends", sse: 'event: complete\r\ndata: ["a"]\r\n\r\n', outputs: ["a"] },
  ])("completeEvent() reads $name", ({ sse, outputs }) => {
    expect(completeEvent(sse)).toEqual(outputs);
  });

  it.each([
    { name: "an error event", sse: 'event: error\ndata: "Text input cannot be empty."\n\n', match: /reported: Text input cannot be empty\./ },
    { name: "a stream without a complete event", sse: "event: heartbeat\ndata: null\n\n", match: /without a complete event/ },
    { name: "a complete event that is not a list", sse: 'event: complete\ndata: {"a":1}\n\n', match: /not a list/ },
  ])("completeEvent() throws on $name", ({ sse, match }) => {
    expect(() => completeEvent(sse)).toThrow(match);
  });
});
