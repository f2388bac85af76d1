import { describe, expect, it } from "vitest";
import { get, post } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("automatic1111");

describe("the automatic1111 simulator", () => {
  it("GET /sdapi/v1/sd-models lists checkpoints with title, hash and filename", async () => {
    const sim = await start();
    const [first] = (await get(`${sim.url}/sdapi/v1/sd-models`)).json();
    expect(first).toMatchObject({ model_name: "v1-5-pruned-emaonly", title: expect.stringMatching(/^v1-5-pruned-emaonly\.safetensors \[[0-9a-f]{10}\]$/), config: null });
  });

  it("POST /sdapi/v1/options switches the loaded checkpoint shown in GET /sdapi/v1/options", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/sdapi/v1/options`)).json().sd_model_checkpoint).toMatch(/^v1-5-pruned-emaonly/);
    expect((await post(`${sim.url}/sdapi/v1/options`, { sd_model_checkpoint: "sd_xl_base_1.0" })).json()).toBeNull();
    expect((await get(`${sim.url}/sdapi/v1/options`)).json().sd_model_checkpoint).toMatch(/^sd_xl_base_1\.0\.safetensors/);
    expect((await post(`${sim.url}/sdapi/v1/options`, { sd_model_checkpoint: "nope" })).json()).toMatchObject({ error: "HTTPException", detail: "model 'nope' not found" });
  });

  it("POST /sdapi/v1/txt2img answers base64 PNGs of the asked size and info as a JSON string", async () => {
    const sim = await start();
    const answer = (await post(`${sim.url}/sdapi/v1/txt2img`, { prompt: "a red fox", width: 64, height: 32, steps: 2 })).json();
    const png = Buffer.from(answer.images[0], "base64");
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([64, 32]);
    expect(typeof answer.info).toBe("string");
    expect(JSON.parse(answer.info)).toMatchObject({ prompt: "a red fox", steps: 2, sd_model_name: "v1-5-pruned-emaonly" });
  });

  it("an unknown sampler is a 404 HTTPException; an unknown route is FastAPI's 404", async () => {
    const sim = await start();
    const answer = await post(`${sim.url}/sdapi/v1/txt2img`, { prompt: "x", sampler_name: "Nope" });
    expect([answer.status, answer.json().detail]).toEqual([404, "Sampler not found"]);
    expect((await get(`${sim.url}/sdapi/v2/nothing`)).json()).toEqual({ detail: "Not Found" });
  });

  it("GET /internal/ping, /sdapi/v1/progress and /sdapi/v1/memory answer", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/internal/ping`)).json()).toEqual({});
    expect((await get(`${sim.url}/sdapi/v1/progress`)).json()).toMatchObject({ progress: 0 });
    expect((await get(`${sim.url}/sdapi/v1/memory`)).json().cuda.system.total).toBeGreaterThan(0);
  });
});
