import { z } from "zod";
import { fetchCapped, joinUrl } from "../http/fetch-capped.ts";
import { judgeUnexpected } from "../http/judge-reply.ts";
import { readJsonAs } from "../http/read-body.ts";
import type { ProbeContext, ProbeResult } from "../probe-kind.ts";
import { downFrom, probeResult } from "../shared/probe-result.ts";
import type { VisionTarget } from "./schema.ts";

const ServerMetadataSchema = z.looseObject({ name: z.string(), version: z.string(), extensions: z.array(z.string()).optional() });

/**
 * Triton / KServe v2 (Open Inference Protocol): the status code is the answer. `/v2/health/ready` for the server,
 * `/v2/models/{model}/ready` for the model (4xx: not ready, i.e. cold), `/v2` for the server's name and version.
 */
export async function probeKserve(target: VisionTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const models = target.model ? [target.model, ...target.models.filter((m) => m !== target.model)] : target.models;
  const get = (path: string) => fetchCapped(ctx, joinUrl(target.url, path));
  const [ready, meta, ...modelReady] = await Promise.all([
    get("/v2/health/ready"),
    get("/v2"),
    ...models.map((m) => get(`/v2/models/${encodeURIComponent(m)}/ready`)),
  ]);
  if (!ready.ok) return downFrom(ready.failure);
  const r = ready.reply;
  const latencyMs = r.latencyMs;
  if (!meta.ok) return downFrom(meta.failure);
  if (meta.reply.status !== 200) return { ...judgeUnexpected("Triton/KServe", meta.reply, "v2 server metadata", [ready]), latencyMs };
  const server = readJsonAs(meta.reply, ServerMetadataSchema);
  if (!server.ok) {
    const judged = judgeUnexpected("Triton/KServe", meta.reply, "v2 server metadata", [ready]);
    if (judged.status === "wrong-service") return judged;
    // Valid JSON without a name and version at /v2 is another server's answer; anything else is garbage.
    return probeResult(server.reason === "shape" ? "wrong-service" : "down", server.problem, { latencyMs, errors: [server.problem] });
  }
  const version = `${server.value.name} ${server.value.version}`;
  if (r.status >= 500) return probeResult("down", `${r.label} answered ${r.status}`, { latencyMs, version, errors: [`${r.label} answered ${r.status}`] });
  if (r.status !== 200) return probeResult("cold", `${version} is live but not ready (${r.label} answered ${r.status})`, { latencyMs, version });
  const loaded: string[] = [];
  const problems: string[] = [];
  modelReady.forEach((o, i) => {
    const name = models[i]!;
    if (!o.ok) problems.push(o.failure.problem);
    else if (o.reply.status === 200) loaded.push(name);
    else if (o.reply.status >= 500) problems.push(`${o.reply.label} answered ${o.reply.status}`);
  });
  const notReady = models.filter((m) => !loaded.includes(m));
  const found = { latencyMs, version, models: { loaded, available: models }, metrics: { "models.ready": loaded.length } };
  if (problems.length > 0) return probeResult("degraded", `${version} ready; ${problems.join("; ")}`, { ...found, errors: problems });
  if (notReady.length > 0) {
    const detail = `${version} ready, but model${notReady.length > 1 ? "s" : ""} not ready: ${notReady.join(", ")}`;
    return probeResult("cold", detail, { ...found, errors: [detail] });
  }
  return probeResult("up", `${version} ready${loaded.length ? `, ${loaded.join(", ")} ready` : ""}`, found);
}
