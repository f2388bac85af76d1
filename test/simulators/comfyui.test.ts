import { describe, expect, it } from "vitest";
import { get, post } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("comfyui");
const graph = (ckpt: string) => ({
  "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: ckpt } },
  "3": { class_type: "KSampler", inputs: { seed: 1, steps: 3, cfg: 7 } },
  "9": { class_type: "SaveImage", inputs: { images: ["8", 0] } },
});
const vramFree = async (url: string) => (await get(`${url}/system_stats`)).json().devices[0].vram_free;

describe("the comfyui simulator", () => {
  it.each(["/system_stats", "/api/system_stats"])("GET %s reports the version and the GPU", async (path) => {
    const sim = await start();
    const stats = (await get(`${sim.url}${path}`)).json();
    expect(stats.system.comfyui_version).toBe("0.3.62");
    expect(stats.devices[0]).toMatchObject({ type: "cuda", index: 0 });
  });

  it("a queued prompt runs, lands in /history and its image is served by /view", async () => {
    const sim = await start();
    const queued = (await post(`${sim.url}/prompt`, { prompt: graph("sd_xl_base_1.0.safetensors"), client_id: "t" })).json();
    expect(queued).toMatchObject({ prompt_id: expect.any(String), node_errors: {} });
    await expect.poll(async () => Object.keys((await get(`${sim.url}/history/${queued.prompt_id}`)).json())).toEqual([queued.prompt_id]);
    const entry = (await get(`${sim.url}/history/${queued.prompt_id}`)).json()[queued.prompt_id];
    const image = entry.outputs["9"].images[0];
    const view = await get(`${sim.url}/view?filename=${image.filename}&type=output&subfolder=`);
    expect([view.status, view.contentType]).toEqual([200, "image/png"]);
    expect((await get(`${sim.url}/prompt`)).json()).toEqual({ exec_info: { queue_remaining: 0 } });
  });

  it.each([
    { name: "no prompt", body: {}, check: (b: any) => b.error === "no prompt" },
    { name: "no nodes", body: { prompt: {} }, check: (b: any) => b.error.type === "prompt_no_outputs" },
    { name: "an unknown checkpoint", body: { prompt: graph("nope.safetensors") }, check: (b: any) => b.node_errors["4"].errors[0].type === "value_not_in_list" },
  ])("POST /prompt with $name answers 400", async ({ body, check }) => {
    const sim = await start();
    const answer = await post(`${sim.url}/prompt`, body);
    expect(answer.status).toBe(400);
    expect(check(answer.json())).toBe(true);
  });

  it("unloaded: more VRAM is free until a prompt loads a checkpoint; POST /free unloads again", async () => {
    const sim = await start();
    const loadedFree = await vramFree(sim.url);
    await sim.setMode("unloaded");
    const emptyFree = await vramFree(sim.url);
    expect(emptyFree).toBeGreaterThan(loadedFree);
    await post(`${sim.url}/prompt`, { prompt: graph("sd3_medium_incl_clips.safetensors") });
    await expect.poll(() => vramFree(sim.url)).toBe(loadedFree);
    await post(`${sim.url}/free`, { unload_models: true, free_memory: true });
    expect(await vramFree(sim.url)).toBe(emptyFree);
  });

  it("an unknown route is aiohttp's text 404", async () => {
    const sim = await start();
    const answer = await get(`${sim.url}/sdapi/v1/sd-models`);
    expect([answer.status, answer.text]).toEqual([404, "404: Not Found"]);
  });
});
