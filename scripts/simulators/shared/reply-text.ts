/** The fixed sentence every LLM simulator answers with unless the options give another. */
export const DEFAULT_REPLY = "The simulated model says hello: the quick brown fox jumps over the lazy dog.";

/** Splits text into word-sized tokens that join back to it ("The", " quick", ...), about what a BPE would give. */
export function tokenize(textValue: string): string[] {
  return textValue.match(/\s*\S+/g) ?? [];
}

/** A plausible token count for a prompt: about four characters per token, at least one. */
export function estimateTokens(textValue: string): number {
  return Math.max(1, Math.ceil(textValue.length / 4));
}

/** The reply's tokens, cut to maxTokens when given; finish is "length" when cut. */
export function replyTokens(reply: string, maxTokens?: number): { tokens: string[]; finish: "stop" | "length" } {
  const all = tokenize(reply);
  if (maxTokens !== undefined && maxTokens >= 0 && maxTokens < all.length) {
    return { tokens: all.slice(0, maxTokens), finish: "length" };
  }
  return { tokens: all, finish: "stop" };
}

/** `count` words from the sentence, cycling, for transcripts whose length follows the audio. */
export function words(sentence: string, count: number): string {
  const pool = sentence.replace(/[.:,;!?]/g, "").split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(pool[i % pool.length]);
  return out.join(" ");
}
