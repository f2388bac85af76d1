import { deflateSync, inflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A solid-colour RGB PNG: test images for vision probes and the image servers' outputs. */
export function makePng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

export interface ImageInfo {
  format: "png" | "jpeg" | "unknown";
  width?: number;
  height?: number;
  /** Mean colour, for non-interlaced 8-bit grey/RGB/RGBA PNGs. */
  mean?: [number, number, number];
}

/** Sniffs format and size, and for simple PNGs the mean colour, so a vision double can describe what it got. */
export function imageInfo(buf: Buffer): ImageInfo {
  if (buf.length > 24 && buf.readUInt32BE(0) === 0x89504e47) return pngInfo(buf);
  if (buf.length > 4 && buf[0] === 0xff && buf[1] === 0xd8) return jpegInfo(buf);
  return { format: "unknown" };
}

function pngInfo(buf: Buffer): ImageInfo {
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const [depth, colourType, , , interlace] = buf.subarray(24, 29);
  const channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[colourType];
  if (depth !== 8 || !channels || interlace !== 0) return { format: "png", width, height };
  const idat: Buffer[] = [];
  for (let off = 8; off + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(off);
    if (buf.toString("ascii", off + 4, off + 8) === "IDAT") idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  try {
    const pixels = unfilter(inflateSync(Buffer.concat(idat)), width, height, channels);
    const sum = [0, 0, 0];
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) sum[c] += pixels[i * channels + (channels === 1 ? 0 : c)];
    }
    const n = Math.max(1, width * height);
    return { format: "png", width, height, mean: [Math.round(sum[0] / n), Math.round(sum[1] / n), Math.round(sum[2] / n)] };
  } catch {
    return { format: "png", width, height };
  }
}

function unfilter(data: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const raw = data[y * (stride + 1) + 1 + x];
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      out[y * stride + x] = (raw + predictor) & 0xff;
    }
  }
  return out;
}

function jpegInfo(buf: Buffer): ImageInfo {
  for (let off = 2; off + 9 < buf.length; ) {
    if (buf[off] !== 0xff) break;
    const marker = buf[off + 1];
    const len = buf.readUInt16BE(off + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { format: "jpeg", height: buf.readUInt16BE(off + 5), width: buf.readUInt16BE(off + 7) };
    off += 2 + len;
  }
  return { format: "jpeg" };
}

const COLOURS: [string, [number, number, number]][] = [
  ["black", [0, 0, 0]], ["white", [255, 255, 255]], ["grey", [128, 128, 128]], ["red", [220, 30, 30]],
  ["green", [30, 170, 60]], ["blue", [30, 60, 220]], ["yellow", [240, 220, 40]], ["orange", [250, 140, 20]],
  ["purple", [130, 40, 170]], ["cyan", [40, 200, 220]], ["pink", [240, 130, 180]], ["brown", [120, 70, 30]],
];

/** The nearest plain colour name. */
export function colourName([r, g, b]: [number, number, number]): string {
  let best = COLOURS[0];
  let bestDistance = Infinity;
  for (const entry of COLOURS) {
    const [cr, cg, cb] = entry[1];
    const distance = (r - cr) ** 2 + (g - cg) ** 2 + (b - cb) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [entry, distance];
  }
  return best[0];
}
