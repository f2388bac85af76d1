import { describe, expect, it } from "vitest";
import { makeWav } from "../../scripts/simulators/index.ts";
import { parseWav, type WavInfo } from "../../src/shared/wav.ts";

const readWavInfo = (buf: Buffer): WavInfo | undefined => {
  const r = parseWav(buf);
  return typeof r === "string" ? undefined : r;
};

/** A WAV with a LIST chunk before `data`, as many editors write it. */
function withListChunk(wav: Buffer): Buffer {
  const list = Buffer.alloc(8 + 4);
  list.write("LIST", 0, "ascii");
  list.writeUInt32LE(4, 4);
  list.write("INFO", 8, "ascii");
  return Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
}

describe("parseWav()", () => {
  it.each([
    { name: "a 16 kHz mono clip", wav: makeWav(1.5, 16_000), duration: 1.5, rate: 16_000 },
    { name: "a 44.1 kHz clip", wav: makeWav(0.5, 44_100), duration: 0.5, rate: 44_100 },
    { name: "a clip with a LIST chunk before the data", wav: withListChunk(makeWav(2)), duration: 2, rate: 16_000 },
  ])("parseWav() reads $name", ({ wav, duration, rate }) => {
    const info = readWavInfo(wav)!;
    expect(info.durationS).toBeCloseTo(duration, 3);
    expect(info.sampleRate).toBe(rate);
    expect(info.channels).toBe(1);
  });

  it("parseWav() counts the bytes present when a streaming writer left the data size unset", () => {
    const wav = makeWav(1);
    wav.writeUInt32LE(0xffffffff, 40);
    expect(readWavInfo(wav)!.durationS).toBeCloseTo(1, 3);
  });

  it.each([
    { name: "an MP3 frame", bytes: Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0]) },
    { name: "a RIFF file that is not WAVE", bytes: Buffer.from("RIFF\u0000\u0000\u0000\u0000AVI LIST") },
    { name: "a truncated header", bytes: Buffer.from("RIFF") },
    { name: "data before fmt", bytes: Buffer.concat([Buffer.from("RIFF\u0000\u0000\u0000\u0000WAVEdata"), Buffer.alloc(8)]) },
  ])("parseWav() returns undefined for $name", ({ bytes }) => {
    expect(readWavInfo(bytes)).toBeUndefined();
  });
});
