import type { ChatImage } from "../chat-types.ts";

const DATA_URL = /^data:([^;,]*)(?:;[^,]*)?,/;

/** A data URL or bare base64 as an image; undefined for http(s) URLs, which the router does not fetch. */
export function imageFromUrl(url: string): ChatImage | undefined {
  const m = DATA_URL.exec(url);
  if (m) {
    const data = url.slice(m[0].length);
    return { mime: m[1] || guessImageMime(data), data };
  }
  if (/^https?:\/\//i.test(url)) return undefined;
  return { mime: guessImageMime(url), data: url };
}

export function imageToDataUrl(image: ChatImage): string {
  return `data:${image.mime};base64,${image.data}`;
}

/** The type from the first bytes of base64 data: Ollama's images carry no type, OpenAI's data URLs need one. */
export function guessImageMime(base64: string): string {
  if (base64.startsWith("iVBORw0KGgo")) return "image/png";
  if (base64.startsWith("/9j/")) return "image/jpeg";
  if (base64.startsWith("R0lGOD")) return "image/gif";
  if (base64.startsWith("UklGR")) return "image/webp";
  return "image/png";
}
