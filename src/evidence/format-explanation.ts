import { formatDuration } from "../shared/duration.ts";
import { formatParseError } from "./criterion.ts";
import type { RequirementEvaluation } from "./evaluate-requirement.ts";
import { RESULT_ICONS, criterionLabel } from "./render-evidence.ts";

const iso = (ms: number): string => new Date(ms).toISOString();

/** `ai-tracker explain` as text: each criterion with the window, samples, newest sample, value, threshold and result. */
export function formatExplanation(ev: RequirementEvaluation, criteriaText: string): string {
  const out = [`${ev.id} ${ev.title}`, `${ev.status}: ${ev.summary}`, `evaluated ${iso(ev.evaluatedAt)}`, ""];
  if (ev.errors.length > 0) {
    const lines = criteriaText.split(/\r\n|\n|\r/);
    for (const e of ev.errors) {
      out.push(`⛔ ${formatParseError(e)}`, `   ${lines[e.line - 1] ?? ""}`, `   ${" ".repeat(Math.max(0, e.column - 1))}^`);
    }
    return out.join("\n");
  }
  if (ev.criteria.length === 0) out.push("no criteria: add one per line to the Criteria cell, e.g. availability(mlx) >= 99% over 24h");
  for (const c of ev.criteria) {
    out.push(`${RESULT_ICONS[c.result]} ${criterionLabel(c)}`);
    const newest = c.latestAt === null ? "no data" : `${c.samples} sample(s), newest ${iso(c.latestAt)} (${formatDuration(Math.max(0, ev.evaluatedAt - c.latestAt))} ago, may be ${formatDuration(c.maxAgeMs)})`;
    out.push(`   source ${c.source} · window ${c.window} · ${newest}`);
    if (c.latestAt !== null) out.push(`   measured ${c.measured} vs threshold ${c.threshold} → ${c.result}`);
    else out.push(`   → ${c.result}`);
    if (c.reason) out.push(`   ${c.result === "unverified" ? "unverified: " : ""}${c.reason}`);
  }
  return out.join("\n");
}

/** `ai-tracker explain --json`: the whole evaluation, times as ISO strings. */
export function explanationJson(ev: RequirementEvaluation): unknown {
  return {
    id: ev.id,
    title: ev.title,
    status: ev.status,
    summary: ev.summary,
    evaluatedAt: iso(ev.evaluatedAt),
    errors: ev.errors,
    criteria: ev.criteria.map((c) => ({
      criterion: criterionLabel(c),
      critical: c.critical,
      line: c.line,
      metric: c.metric,
      source: c.source,
      window: c.window,
      samples: c.samples,
      latestAt: c.latestAt === null ? null : iso(c.latestAt),
      maxAge: formatDuration(c.maxAgeMs),
      value: c.value,
      measured: c.measured,
      threshold: c.threshold,
      result: c.result,
      reason: c.reason,
    })),
  };
}
