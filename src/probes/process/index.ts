import type { ProbeContext, ProbeKind, ProbeResult } from "../probe-kind.ts";
import { probeResult } from "../shared/probe-result.ts";
import { firstLine, runCommand } from "../shared/run-command.ts";
import { findProcesses } from "./find-processes.ts";
import { ProcessTargetSchema, type ProcessTarget } from "./schema.ts";

/**
 * A service without an HTTP surface (a DSPy optimiser, a Candle binary): a process whose command line contains
 * `match`, and/or a `command` from the config file whose exit code 0 means up. Both must pass when both are set.
 */
async function run(target: ProcessTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const started = ctx.now();
  const parts: ProbeResult[] = [];
  if (target.match !== undefined) parts.push(await byMatch(target.match, ctx));
  if (target.command !== undefined) parts.push(await byCommand(target.command, ctx));
  const failed = parts.find((p) => p.status !== "up");
  const detail = parts.map((p) => p.detail).join("; ");
  return probeResult(failed ? failed.status : "up", detail, {
    latencyMs: ctx.now() - started,
    version: parts.find((p) => p.version)?.version ?? null,
    errors: parts.flatMap((p) => p.errors),
    metrics: Object.assign({}, ...parts.map((p) => p.metrics)),
  });
}

async function byMatch(match: string, ctx: ProbeContext): Promise<ProbeResult> {
  const found = await findProcesses(match, { signal: ctx.signal, timeoutMs: ctx.timeoutMs, now: ctx.now, selfPid: process.pid });
  if (typeof found === "string") return probeResult("down", found, { errors: [found] });
  if (found.length === 0) {
    const detail = `no running process matches "${match}"`;
    return probeResult("down", detail, { errors: [detail], metrics: { "processes.matched": 0 } });
  }
  const pids = found.slice(0, 5).map((p) => p.pid).join(", ");
  const detail = `${found.length} process${found.length > 1 ? "es" : ""} match "${match}" (pid ${pids}${found.length > 5 ? ", …" : ""})`;
  return probeResult("up", detail, { metrics: { "processes.matched": found.length } });
}

async function byCommand(command: readonly string[], ctx: ProbeContext): Promise<ProbeResult> {
  const out = await runCommand(command, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, now: ctx.now });
  const shown = command.join(" ");
  if (out.problem) return probeResult("down", out.problem, { errors: [out.problem] });
  if (out.exitCode !== 0) {
    const why = firstLine(out.stderr) || firstLine(out.stdout);
    const detail = `${shown} exited with ${out.exitCode}${why ? `: ${why}` : ""}`;
    return probeResult("down", detail, { errors: [detail] });
  }
  const said = firstLine(out.stdout);
  return probeResult("up", `${shown} exited with 0 in ${Math.round(out.durationMs)} ms${said ? `: ${said}` : ""}`, { metrics: { "command.ms": Math.round(out.durationMs) } });
}

export const processProbe = {
  kind: "process",
  schema: ProcessTargetSchema,
  run,
} satisfies ProbeKind<ProcessTarget>;
