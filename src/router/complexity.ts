import type { ChatMessage } from "./chat-types.ts";

export type Tier = "fast" | "large";

export interface Complexity {
  score: number;
  tier: Tier;
  /** Which signals added points, e.g. ["length:2", "code", "reasoning:2"]; for logs and the CLI. */
  reasons: string[];
}

// Words that ask for thinking rather than recall. Counted once each, in the last user message only: a long
// chat about "why" earlier should not make a short follow-up expensive.
const REASONING_CUES = [
  /\bwhy\b/i,
  /\bexplain\b/i,
  /\bstep[- ]by[- ]step\b/i,
  /\bprove\b|\bproof\b/i,
  /\bderive\b|\bderivation\b/i,
  /\banaly[sz]e\b|\banalysis\b/i,
  /\bcompare\b|\bcontrast\b/i,
  /\btrade-?offs?\b|\bpros and cons\b/i,
  /\bdesign\b|\barchitect/i,
  /\boptimi[sz]e\b/i,
  /\bdebug\b|\brefactor\b/i,
  /\balgorithm\b|\bcomplexity\b/i,
  /\bplan\b|\bstrategy\b/i,
  /\bcalculate\b|\bsolve\b|\bequation\b/i,
  /\bthink (carefully|hard|through)\b|\breason(ing)? (about|through)\b/i,
];

const CODE_LINE = /^\s*(def |class |function |import |from \S+ import |#include|public |private |const |let |var |fn |func |SELECT |for \(|if \(|return\b)|[;{}]\s*$/m;

/**
 * Scores how hard a prompt looks, so `model: "auto"` can send simple ones to a small fast model and the rest to a
 * large one. Pure: the same messages give the same score.
 *
 * Points: length (one per ~300 estimated tokens of prompt, at most 3), code (2 for a fenced block, 1 for
 * code-looking lines), reasoning cues in the last user message (1 each, at most 3), conversation depth (0.5 per
 * user turn after the third, at most 2). `largeAt` is the score from which the large tier is chosen.
 */
export function assessComplexity(messages: readonly ChatMessage[], largeAt: number): Complexity {
  const reasons: string[] = [];
  let chars = 0;
  let userTurns = 0;
  let lastUser = "";
  let fenced = false;
  let codeLines = false;
  for (const m of messages) {
    const text = m.content;
    chars += text.length;
    if (m.role === "user") {
      userTurns++;
      lastUser = text;
    }
    if (m.role === "user" || m.role === "system") {
      if (!fenced && text.includes("```")) fenced = true;
      else if (!fenced && !codeLines && CODE_LINE.test(text)) codeLines = true;
    }
  }
  let score = 0;
  const lengthPoints = Math.min(3, Math.floor(chars / 4 / 300));
  if (lengthPoints > 0) {
    score += lengthPoints;
    reasons.push(`length:${lengthPoints}`);
  }
  if (fenced) {
    score += 2;
    reasons.push("code");
  } else if (codeLines) {
    score += 1;
    reasons.push("code-like");
  }
  let cues = 0;
  for (const cue of REASONING_CUES) {
    if (cue.test(lastUser) && ++cues === 3) break;
  }
  if (cues > 0) {
    score += cues;
    reasons.push(`reasoning:${cues}`);
  }
  const depth = Math.min(2, Math.max(0, userTurns - 3) * 0.5);
  if (depth > 0) {
    score += depth;
    reasons.push(`depth:${depth}`);
  }
  return { score, tier: score >= largeAt ? "large" : "fast", reasons };
}
