export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Length of the audio in seconds, from the data chunk's size. */
  durationSec: number;
}

/**
 * Reads a RIFF/WAVE header, walking the chunks so LIST or fact chunks before `data` do not matter.
 * Undefined when the bytes are not a WAV with a usable format chunk.
 */
export function readWavInfo(buf: Buffer): WavInfo | undefined {
  if (buf.length < 12 || buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") return undefined;
  let offset = 12;
  let format: Omit<WavInfo, "durationSec"> | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt " && body + 16 <= buf.length) {
      format = { channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bitsPerSample: buf.readUInt16LE(body + 14) };
    } else if (id === "data") {
      if (!format) return undefined;
      const bytesPerSecond = format.sampleRate * format.channels * (format.bitsPerSample / 8);
      if (!bytesPerSecond) return undefined;
      // A streaming writer may leave the size at 0 or 0xFFFFFFFF; the bytes present are what counts then.
      const present = buf.length - body;
      const bytes = size === 0 || size > present ? present : size;
      return { ...format, durationSec: bytes / bytesPerSecond };
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}
