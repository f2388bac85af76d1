import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../src/router/chat-types.ts";
import { assessComplexity } from "../../src/router/complexity.ts";

const user = (content: string): ChatMessage => ({ role: "user", content });
const assistant = (content: string): ChatMessage => ({ role: "assistant", content });
const SENTENCE = "The weather report for the coast mentions wind and rain. "; // 57 chars
const MEDIUM = SENTENCE.repeat(30); // ~430 tokens
const LONG = SENTENCE.repeat(90); // ~1,280 tokens

describe("assessComplexity()", () => {
  it.each([
    { name: "a greeting is fast", messages: [user("hi there")], tier: "fast", reasons: [] },
    { name: "a short factual question is fast", messages: [user("What is the capital of France?")], tier: "fast", reasons: [] },
    { name: "a fenced code block adds 2", messages: [user("Fix this:\n```js\nconst x = 1\n```")], tier: "fast", reasons: ["code"] },
    { name: "code plus a reasoning cue reaches large", messages: [user("Explain why this fails:\n```py\nprint(x)\n```")], tier: "large", reasons: ["code", "reasoning:2"] },
    { name: "three reasoning cues reach large", messages: [user("Compare the two designs step by step and explain the trade-offs")], tier: "large", reasons: ["reasoning:3"] },
    { name: "reasoning cues are capped at 3", messages: [user("why explain prove derive analyze compare design optimize")], tier: "large", reasons: ["reasoning:3"] },
    { name: "a medium prompt adds a length point", messages: [user(MEDIUM)], tier: "fast", reasons: ["length:1"] },
    { name: "a very long prompt is large on length alone", messages: [user(LONG)], tier: "large", reasons: ["length:3"] },
    { name: "code-looking lines without fences add 1", messages: [user("def add(a, b):\n    return a + b")], tier: "fast", reasons: ["code-like"] },
    {
      name: "a deep conversation adds depth points",
      messages: [user("a"), assistant("b"), user("c"), assistant("d"), user("e"), assistant("f"), user("g"), assistant("h"), user("i")],
      tier: "fast",
      reasons: ["depth:1"],
    },
    {
      name: "cues count only in the last user message",
      messages: [user("explain why, step by step, and compare"), assistant("ok"), user("thanks")],
      tier: "fast",
      reasons: [],
    },
  ])("$name", ({ messages, tier, reasons }) => {
    const c = assessComplexity(messages as ChatMessage[], 3);
    expect(c.tier).toBe(tier);
    expect(c.reasons).toEqual(reasons);
  });

  it("assessComplexity() picks large at exactly the threshold and fast just below it", () => {
    const messages = [user("Explain why this fails:\n```py\nprint(x)\n```")]; // 2 + 2 = 4
    expect(assessComplexity(messages, 4).tier).toBe("large");
    expect(assessComplexity(messages, 4.5).tier).toBe("fast");
  });

  it("assessComplexity() gives the same score for the same messages", () => {
    const messages = [user("Design a cache and analyze it"), assistant("sure"), user(LONG + " why?")];
    expect(assessComplexity(messages, 3)).toEqual(assessComplexity(messages, 3));
  });
});
