import { z } from "zod";
import { describeIssue } from "../router/request-schemas.ts";
import { guessImageMime, imageToDataUrl } from "../router/dialects/images.ts";
import { StageError } from "./stage-error.ts";

export interface VoiceInput {
  audio: Buffer;
  mime: string;
  /** Router model for the answer; the configured one when absent. */
  model?: string;
}

export interface VisionInput {
  /** The image as a data URL, the form vision chat servers take. */
  dataUrl: string;
  question: string;
  model?: string;
}

const VoiceJsonSchema = z.object({
  audio: z.string().min(1, "base64 audio (a WAV) or a data: URL"),
  model: z.string().min(1).optional(),
});

const VisionJsonSchema = z.object({
  image: z.string().min(1, "a base64 image or a data:image/...;base64 URL"),
  question: z.string().trim().min(1, "the question to answer about the image"),
  model: z.string().min(1).optional(),
});

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Reads the voice request: multipart with the audio as `file` (or `audio`), or JSON {audio: base64}. */
export async function parseVoiceInput(contentType: string | undefined, body: Buffer, maxAudioBytes: number): Promise<VoiceInput> {
  if (contentType?.startsWith("multipart/form-data")) {
    const form = await formData(contentType, body);
    const file = form.get("file") ?? form.get("audio");
    if (!file || typeof file === "string") throw new StageError("input", 400, "file: send the audio as a multipart file field named file");
    const audio = Buffer.from(await file.arrayBuffer());
    checkSize("file", audio.length, maxAudioBytes);
    const model = form.get("model");
    return { audio, mime: file.type || "audio/wav", model: typeof model === "string" && model ? model : undefined };
  }
  const json = parseJson(body, VoiceJsonSchema);
  const { mime, data } = splitDataUrl(json.audio, "audio");
  const audio = Buffer.from(data, "base64");
  if (audio.length === 0) throw new StageError("input", 400, "audio: decodes to nothing");
  checkSize("audio", audio.length, maxAudioBytes);
  return { audio, mime: mime ?? "audio/wav", model: json.model };
}

/** Reads the vision request: JSON {image, question}, or multipart with an `image` file and a `question` field. */
export async function parseVisionInput(contentType: string | undefined, body: Buffer, maxImageBytes: number): Promise<VisionInput> {
  if (contentType?.startsWith("multipart/form-data")) {
    const form = await formData(contentType, body);
    const file = form.get("image") ?? form.get("file");
    const question = form.get("question");
    if (!file || typeof file === "string") throw new StageError("input", 400, "image: send the image as a multipart file field named image");
    if (typeof question !== "string" || !question.trim()) throw new StageError("input", 400, "question: the question to answer about the image");
    const bytes = Buffer.from(await file.arrayBuffer());
    checkSize("image", bytes.length, maxImageBytes);
    const data = bytes.toString("base64");
    const model = form.get("model");
    return { dataUrl: imageToDataUrl({ mime: file.type || guessImageMime(data), data }), question: question.trim(), model: typeof model === "string" && model ? model : undefined };
  }
  const json = parseJson(body, VisionJsonSchema);
  const { mime, data } = splitDataUrl(json.image, "image");
  if (mime && !mime.startsWith("image/")) throw new StageError("input", 400, `image: a data URL of an image, not ${mime}`);
  const bytes = Math.floor((data.replace(/=+$/, "").length * 3) / 4);
  if (bytes === 0) throw new StageError("input", 400, "image: decodes to nothing");
  checkSize("image", bytes, maxImageBytes);
  return { dataUrl: imageToDataUrl({ mime: mime ?? guessImageMime(data), data }), question: json.question, model: json.model };
}

function parseJson<T>(body: Buffer, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new StageError("input", 400, `the request body is not valid JSON (or multipart/form-data): ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StageError("input", 400, describeIssue(parsed.error).message);
  return parsed.data;
}

/** A data URL's type and base64 payload, or bare base64; rejects text that is not base64. */
function splitDataUrl(value: string, field: string): { mime: string | undefined; data: string } {
  let mime: string | undefined;
  let data = value;
  const m = /^data:([^;,]*)(;base64)?,/.exec(value);
  if (m) {
    if (!m[2]) throw new StageError("input", 400, `${field}: only base64 data URLs are accepted`);
    mime = m[1] || undefined;
    data = value.slice(m[0].length);
  }
  data = data.replace(/\s+/g, "");
  if (!BASE64.test(data)) throw new StageError("input", 400, `${field}: not valid base64`);
  return { mime, data };
}

function checkSize(field: string, bytes: number, max: number): void {
  if (bytes > max) throw new StageError("input", 413, `${field}: ${bytes} bytes is over the limit of ${max} bytes`);
}

async function formData(contentType: string, body: Buffer): Promise<FormData> {
  try {
    return await new Request("http://pipeline.local/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length) }).formData();
  } catch (err) {
    throw new StageError("input", 400, `the multipart body could not be read: ${(err as Error).message}`);
  }
}
