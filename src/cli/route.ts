import { loadConfig } from "../config/load-config.ts";
import { LiveState } from "../monitor/live-state.ts";
import { createRouter, RouteFailure, type RouteAnswer } from "../router/create-router.ts";
import { TrackerError } from "../shared/errors.ts";
import { silentLogger } from "../shared/logger.ts";
import { openStore } from "../store/open-store.ts";
import type { Command } from "./command.ts";
import { CONFIG_OPTION, parseCommandArgs, writeLine } from "./parse-args.ts";

/**
 * `ai-tracker route "prompt"`: one chat through the router, in this process, against the configured backends,
 * printing the choice (tier, backend, attempts), the timings and the answer. Nothing is written to the data
 * folder: this is a try-out, not traffic, so its run record stays in an in-memory store.
 */
export const routeCommand: Command = {
  name: "route",
  summary: 'route "PROMPT" [--model auto] [--system TEXT] [--json]   send one chat through the router and show its choice',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(
      ctx.argv,
      { ...CONFIG_OPTION, model: { type: "string", short: "m", default: "auto" }, system: { type: "string" }, json: { type: "boolean", default: false } },
      true,
    );
    const prompt = positionals.join(" ").trim();
    if (!prompt) throw new TrackerError("USAGE", 'give a prompt: ai-tracker route "Why is the sky blue?"', { exitCode: 2 });
    const { config } = loadConfig(values.config, ctx.env);
    const store = openStore(":memory:");
    const router = createRouter({ config, logger: silentLogger(), now: Date.now, store, live: new LiveState() });
    try {
      const messages: { role: "system" | "user"; content: string }[] = [];
      if (values.system) messages.push({ role: "system", content: values.system });
      messages.push({ role: "user", content: prompt });
      const answer = await router.route({ model: values.model, messages });
      writeLine(ctx.stdout, values.json ? JSON.stringify(toJson(answer)) : formatAnswer(answer));
      return 0;
    } catch (err) {
      if (!(err instanceof RouteFailure)) throw err;
      if (values.json) writeLine(ctx.stdout, JSON.stringify({ error: { status: err.status, message: err.message, backend: err.backend, attempts: err.attempts } }));
      else writeLine(ctx.stderr, `ai-tracker route: ${err.message}`);
      return err.status === 400 || err.status === 404 ? 2 : 1;
    } finally {
      await router.stop();
      store.close();
    }
  },
};

function toJson(a: RouteAnswer) {
  const t = a.timings;
  return {
    tier: a.tier,
    complexity: a.complexity ? { score: a.complexity.score, reasons: a.complexity.reasons } : null,
    backend: a.backend,
    model: a.model,
    attempts: a.attempts,
    timings: { totalMs: round(t.totalMs), upstreamMs: round(t.upstreamMs), routerMs: round(t.overheadMs), firstByteMs: round(t.ttfbMs) },
    answer: a.answer,
  };
}

function formatAnswer(a: RouteAnswer): string {
  const t = a.timings;
  const tier = a.complexity ? `${a.tier} (complexity ${a.complexity.score}${a.complexity.reasons.length ? `: ${a.complexity.reasons.join(", ")}` : ""})` : a.tier;
  return [
    `tier      ${tier}`,
    `backend   ${a.backend} (model ${a.model}), ${a.attempts} attempt${a.attempts === 1 ? "" : "s"}`,
    `timings   total ${ms(t.totalMs)} · backend ${ms(t.upstreamMs)} · router ${ms(t.overheadMs)}`,
    "",
    a.answer,
  ].join("\n");
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function ms(v: number): string {
  return v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`;
}
