/** A 16-bit PCM mono WAV of the given length: a soft 220 Hz tone with short fades, so it is real audio. */
export function makeWav(durationSec: number, sampleRate = 16_000): Buffer {
  const samples = Math.max(1, Math.round(durationSec * sampleRate));
  const dataBytes = samples * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write("RIFF", 0, "ascii");
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write("WAVE", 8, "ascii");
  buf.write("fmt ", 12, "ascii");
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write("data", 36, "ascii");
  buf.writeUInt32LE(dataBytes, 40);
  const fade = Math.min(samples / 2, sampleRate * 0.01);
  for (let i = 0; i < samples; i++) {
    const envelope = Math.min(1, i / fade, (samples - 1 - i) / fade);
    const value = Math.round(Math.sin((2 * Math.PI * 220 * i) / sampleRate) * 8000 * Math.max(0, envelope));
    buf.writeInt16LE(value, 44 + i * 2);
  }
  return buf;
}

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  durationSec: number;
}

/** Reads a RIFF/WAVE header (walking the chunks, so LIST chunks are fine); undefined when it is not a PCM WAV. */
export function readWav(buf: Buffer): WavInfo | undefined {
  if (buf.length < 12 || buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") return undefined;
  let offset = 12;
  let fmt: Omit<WavInfo, "durationSec"> | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt " && body + 16 <= buf.length) {
      fmt = { channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bitsPerSample: buf.readUInt16LE(body + 14) };
    } else if (id === "data" && fmt) {
      const bytesPerSecond = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
      if (!bytesPerSecond) return undefined;
      const available = Math.min(size, buf.length - body);
      return { ...fmt, durationSec: available / bytesPerSecond };
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}
