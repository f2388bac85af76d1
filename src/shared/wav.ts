/** A short mono 16-bit PCM WAV of a sine tone: a real, decodable clip for speech-recognition probes. */
export function makeToneWav(options: { sampleRate?: number; seconds?: number; hz?: number } = {}): Buffer {
  const sampleRate = options.sampleRate ?? 16_000;
  const samples = Math.round(sampleRate * (options.seconds ?? 0.5));
  const hz = options.hz ?? 440;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * 0.3 * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes of audio actually present. */
  dataBytes: number;
  durationS: number;
}

/**
 * Reads a RIFF/WAVE header, walking the chunks to `fmt ` and `data`. Returns a reason string when the bytes
 * are not a usable WAV. A data size of 0 or 0xFFFFFFFF (written by streaming servers) means "to the end".
 */
export function parseWav(buf: Buffer): WavInfo | string {
  if (buf.length < 12 || buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") return "not a RIFF/WAVE file";
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      if (body + 16 > buf.length) return "truncated fmt chunk";
      fmt = { channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bitsPerSample: buf.readUInt16LE(body + 14) };
    } else if (id === "data") {
      if (!fmt) return "data chunk before fmt chunk";
      if (fmt.channels === 0 || fmt.sampleRate === 0 || fmt.bitsPerSample === 0) return "fmt chunk with zero channels, rate or sample size";
      const present = buf.length - body;
      const dataBytes = size === 0 || size === 0xffffffff ? present : Math.min(size, present);
      const durationS = dataBytes / (fmt.sampleRate * fmt.channels * Math.ceil(fmt.bitsPerSample / 8));
      return { ...fmt, dataBytes, durationS };
    }
    offset = body + size + (size % 2);
  }
  return fmt ? "no data chunk" : "no fmt chunk";
}

/** Names the audio container by its first bytes; null when the bytes are no audio format known here. */
export function audioFormatOf(buf: Buffer): "wav" | "mp3" | "ogg" | "flac" | null {
  if (buf.length < 4) return null;
  const magic = buf.toString("ascii", 0, 4);
  if (magic === "RIFF") return "wav";
  if (magic === "OggS") return "ogg";
  if (magic === "fLaC") return "flac";
  if (magic.startsWith("ID3")) return "mp3";
  // An MPEG audio frame starts with 11 set bits.
  if (buf[0] === 0xff && (buf[1]! & 0xe0) === 0xe0) return "mp3";
  return null;
}
