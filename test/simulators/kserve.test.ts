import { describe, expect, it } from "vitest";
import { get, post } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("kserve");
const yoloInput = { inputs: [{ name: "images", shape: [1, 3, 2, 2], datatype: "FP32", data: Array(12).fill(0.5) }] };

describe("the kserve simulator (Triton, v2 protocol)", () => {
  it.each([
    { path: "/v2/health/live", status: 200 },
    { path: "/v2/health/ready", status: 200 },
    { path: "/v2/models/yolov8n/ready", status: 200 },
    { path: "/v2/models/clip/versions/1/ready", status: 200 },
    { path: "/v2/models/nope/ready", status: 400 },
  ])("GET $path answers $status", async ({ path, status }) => {
    const sim = await start();
    expect((await get(`${sim.url}${path}`)).status).toBe(status);
  });

  it("GET /v2 and /v2/models/<m> give server and model metadata", async () => {
    const sim = await start();
    expect((await get(`${sim.url}/v2`)).json()).toMatchObject({ name: "triton", extensions: expect.arrayContaining(["model_repository"]) });
    expect((await get(`${sim.url}/v2/models/yolov8n`)).json()).toMatchObject({ name: "yolov8n", versions: ["1"], inputs: [{ name: "images", datatype: "FP32" }] });
  });

  it("POST /v2/models/<m>/infer answers deterministic outputs and checks the input", async () => {
    const sim = await start();
    const first = (await post(`${sim.url}/v2/models/yolov8n/infer`, yoloInput)).json();
    expect(first).toMatchObject({ model_name: "yolov8n", model_version: "1", outputs: [{ name: "output0", shape: [1, 3, 6] }] });
    expect(first.outputs[0].data).toHaveLength(18);
    expect((await post(`${sim.url}/v2/models/yolov8n/infer`, yoloInput)).json()).toEqual(first);
    const bad = await post(`${sim.url}/v2/models/yolov8n/infer`, { inputs: [{ ...yoloInput.inputs[0], data: [1] }] });
    expect([bad.status, bad.json().error]).toEqual([400, expect.stringMatching(/expected 12, got 1/)]);
  });

  it("unloaded: the server is ready, the models are not, until the repository loads one", async () => {
    const sim = await start();
    await sim.setMode("unloaded");
    expect((await get(`${sim.url}/v2/health/ready`)).status).toBe(200);
    expect((await get(`${sim.url}/v2/models/clip/ready`)).status).toBe(400);
    expect((await post(`${sim.url}/v2/repository/index`, {})).json()).toEqual([
      { name: "yolov8n", version: "1", state: "UNAVAILABLE", reason: "unloaded" },
      { name: "clip", version: "1", state: "UNAVAILABLE", reason: "unloaded" },
    ]);
    await post(`${sim.url}/v2/repository/models/clip/load`, {});
    expect((await get(`${sim.url}/v2/models/clip/ready`)).status).toBe(200);
  });

  it("loading: live but not ready, every model UNAVAILABLE", async () => {
    const sim = await start();
    await sim.setMode("loading");
    expect((await get(`${sim.url}/v2/health/live`)).status).toBe(200);
    expect((await get(`${sim.url}/v2/health/ready`)).status).toBe(400);
    expect((await post(`${sim.url}/v2/repository/index`, {})).json().map((m: { reason: string }) => m.reason)).toEqual(["loading", "loading"]);
  });
});
