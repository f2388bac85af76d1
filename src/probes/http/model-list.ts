import { z } from "zod";
import type { HttpReply } from "./fetch-capped.ts";
import { readJsonAs, type Parsed } from "./read-body.ts";

/** One `/v1/models` entry; servers add fields of their own (`owned_by`, `status`, `state`, `meta`), kept as-is. */
export const OpenAiModelSchema = z.looseObject({ id: z.string().min(1), owned_by: z.string().optional(), status: z.string().optional() });
export type OpenAiModel = z.infer<typeof OpenAiModelSchema>;

/** `{"object":"list","data":[…]}`; Ollama may send `data: null` for an empty list. */
export const OpenAiModelListSchema = z.looseObject({
  object: z.literal("list").optional(),
  data: z.array(OpenAiModelSchema).nullable(),
});

/** Reads an OpenAI `/v1/models` answer into its entries. */
export function readModelList(reply: HttpReply): Parsed<OpenAiModel[]> {
  const parsed = readJsonAs(reply, OpenAiModelListSchema);
  return parsed.ok ? { ok: true, value: parsed.value.data ?? [] } : parsed;
}
