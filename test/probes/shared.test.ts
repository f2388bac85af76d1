import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { judgeModels, sameModel } from "../../src/probes/shared/model-match.ts";
import { crc32, makeTinyPng } from "../../src/probes/shared/tiny-png.ts";
import { audioFormatOf, makeToneWav, parseWav } from "../../src/shared/wav.ts";
import { checkAudio } from "../../src/probes/tts/check-audio.ts";

describe("probe helpers", () => {
  it("makeToneWav() writes a 16 kHz mono 16-bit clip that parseWav() reads back", () => {
    const wav = makeToneWav({ sampleRate: 16_000, seconds: 0.5 });
    expect(parseWav(wav)).toEqual({ sampleRate: 16_000, channels: 1, bitsPerSample: 16, dataBytes: 16_000, durationS: 0.5 });
  });

  it.each([
    { name: "bytes that are not RIFF", bytes: Buffer.from("ID3\u0004 not a wav"), problem: "not a RIFF/WAVE file" },
    { name: "a header with no data chunk", bytes: makeToneWav().subarray(0, 36), problem: "no data chunk" },
  ])("parseWav() gives a reason for $name", ({ bytes, problem }) => {
    expect(parseWav(bytes)).toBe(problem);
  });

  it("makeTinyPng() writes a valid 8x8 RGB PNG: signature, checksummed chunks, inflatable pixels", () => {
    const png = makeTinyPng(8);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    let offset = 8;
    const types: string[] = [];
    while (offset < png.length) {
      const length = png.readUInt32BE(offset);
      const type = png.toString("ascii", offset + 4, offset + 8);
      const data = png.subarray(offset + 8, offset + 8 + length);
      expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
      if (type === "IHDR") expect([data.readUInt32BE(0), data.readUInt32BE(4), data[8], data[9]]).toEqual([8, 8, 8, 2]);
      if (type === "IDAT") expect(inflateSync(data).length).toBe(8 * (1 + 8 * 3));
      types.push(type);
      offset += 12 + length;
    }
    expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
  });

  it("crc32() matches the checksum every PNG's IEND chunk carries", () => {
    expect(crc32(Buffer.from("IEND", "ascii"))).toBe(0xae426082);
  });

  it.each([
    { expected: "Llama-3.2-3B-Instruct-4bit", listed: "mlx-community/Llama-3.2-3B-Instruct-4bit", same: true },
    { expected: "mlx-community/Llama-3.2-3B-Instruct-4bit", listed: "Llama-3.2-3B-Instruct-4bit", same: true },
    { expected: "llama3.2", listed: "llama3.2:latest", same: true },
    { expected: "LFM2-1.2B-Q4_K_M", listed: "/models/LFM2-1.2B-Q4_K_M.gguf", same: true },
    { expected: "google/gemma-4-26b-a4b", listed: "google/gemma-4-26b-a4b@q4_k_m", same: true },
    { expected: "Llama-3.2-3B", listed: "mlx-community/Llama-3.2-3B-Instruct-4bit", same: false },
    { expected: "llama3.2:1b", listed: "llama3.2:latest", same: false },
  ])("sameModel($expected, $listed) is $same", ({ expected, listed, same }) => {
    expect(sameModel(expected, listed)).toBe(same);
  });

  it.each([
    { name: "all expected models loaded", expected: ["a"], loaded: ["a"], available: ["a", "b"], status: "up" },
    { name: "an expected model available but not loaded", expected: ["b"], loaded: ["a"], available: ["a", "b"], status: "cold" },
    { name: "an expected model missing", expected: ["c"], loaded: ["a"], available: ["a", "b"], status: "degraded" },
    { name: "nothing expected and nothing loaded", expected: [], loaded: [], available: ["a"], status: "cold" },
    { name: "nothing expected and loaded state unknown", expected: [], loaded: null, available: ["a"], status: "up" },
  ])("judgeModels() says $status when $name", ({ expected, loaded, available, status }) => {
    expect(judgeModels(expected, loaded, available).status).toBe(status);
  });

  it.each([
    { name: "empty audio", bytes: Buffer.alloc(0), ok: false, text: /empty/ },
    { name: "JSON instead of audio", bytes: Buffer.from('{"error":"x"}'), ok: false, text: /no known audio format/ },
    { name: "pure silence", bytes: silentWav(1), ok: false, text: /silence/ },
    { name: "a 60 s clip for a short sentence", bytes: makeToneWav({ seconds: 60, sampleRate: 8000 }), ok: false, text: /implausible/ },
    { name: "a 2 s clip", bytes: makeToneWav({ seconds: 2 }), ok: true, text: /2\.00 s of WAV at 16000 Hz/ },
    { name: "MP3 bytes", bytes: Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0]), ok: true, text: /mp3/ },
  ])("checkAudio() judges $name", ({ bytes, ok, text }) => {
    const verdict = checkAudio(bytes, "Hello from the service tracker.");
    expect(verdict.ok).toBe(ok);
    expect(verdict.ok ? verdict.summary : verdict.problem).toMatch(text);
  });

  it("audioFormatOf() tells WAV, MP3 with ID3, Ogg and FLAC apart", () => {
    expect([makeToneWav(), Buffer.from("ID3\u0003...."), Buffer.from("OggS...."), Buffer.from("fLaC....")].map(audioFormatOf)).toEqual(["wav", "mp3", "ogg", "flac"]);
  });
});

function silentWav(seconds: number): Buffer {
  const wav = makeToneWav({ seconds });
  wav.fill(0, 44);
  return wav;
}
