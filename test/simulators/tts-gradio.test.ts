import { describe, expect, it } from "vitest";
import { readWav, type Simulator } from "../../scripts/simulators/index.ts";
import { get, post } from "./http.ts";
import { simulators } from "./sim-lifecycle.ts";

const start = simulators("tts-gradio");

/** Dia's ten inputs: text, audio_prompt_text, audio_prompt, max_new_tokens, cfg_scale, temperature, top_p, cfg_filter_top_k, speed_factor, seed. */
const inputs = (text: string, speed = 1) => [text, "", null, 3072, 3, 1.3, 0.95, 35, speed, 7];

/** The two-step Gradio call: POST for an event id, then read the SSE result. */
async function generate(sim: Simulator, data: unknown[]): Promise<{ event: string; data: any }> {
  const { event_id } = (await post(`${sim.url}/gradio_api/call/generate_audio`, { data })).json();
  const body = (await get(`${sim.url}/gradio_api/call/generate_audio/${event_id}`)).text;
  const events = [...body.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) }));
  return events.at(-1)!;
}

describe("the tts-gradio simulator (Nari Dia)", () => {
  it("GET /gradio_api/info names generate_audio with its ten inputs; GET / is the Gradio page", async () => {
    const sim = await start();
    const info = (await get(`${sim.url}/gradio_api/info`)).json();
    expect(info.named_endpoints["/generate_audio"].parameters).toHaveLength(10);
    expect((await get(`${sim.url}/`)).text).toContain("gradio_config");
  });

  it("the two-step call ends in `complete` with a file whose WAV length follows the text and speed", async () => {
    const sim = await start();
    const result = await generate(sim, inputs("[S1] Hello from Dia. [S2] Hi!"));
    expect(result.event).toBe("complete");
    const [file, seed] = result.data;
    expect(seed).toBe(7);
    expect(file.url).toMatch(/\/gradio_api\/file=\/tmp\/gradio\/[0-9a-f]+\/audio\.wav$/);
    const wav = readWav((await get(file.url)).bytes);
    expect(wav?.sampleRate).toBe(44100);
    expect(wav?.durationSec).toBeCloseTo(29 * 0.065, 2);
    const fast = await generate(sim, inputs("[S1] Hello from Dia. [S2] Hi!", 2));
    expect(readWav((await get(fast.data[0].url)).bytes)?.durationSec).toBeCloseTo((29 * 0.065) / 2, 2);
  });

  it("an empty text ends in an error event; an unknown event id is 404", async () => {
    const sim = await start();
    expect(await generate(sim, inputs(""))).toEqual({ event: "error", data: "Text input cannot be empty." });
    expect((await get(`${sim.url}/gradio_api/call/generate_audio/nope`)).status).toBe(404);
    expect((await post(`${sim.url}/gradio_api/call/generate_audio`, { nodata: 1 })).status).toBe(422);
  });

  it("stream-error: the result stream ends in an error event", async () => {
    const sim = await start();
    await sim.setMode("stream-error");
    expect((await generate(sim, inputs("Hello."))).event).toBe("error");
  });

  it("garbage: the call completes but the audio file is zero bytes", async () => {
    const sim = await start();
    await sim.setMode("garbage");
    const result = await generate(sim, inputs("Hello."));
    expect(result.event).toBe("complete");
    const audio = await get(result.data[0].url);
    expect([audio.status, audio.bytes.length]).toEqual([200, 0]);
  });
});
