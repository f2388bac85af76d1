import { z } from "zod";

// Loose objects: fields the router does not know are kept, so a request passed through to a backend of the
// same dialect arrives with everything the client sent.

const num = z.number().nullish();

const OpenAiPartSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  image_url: z.union([z.string(), z.looseObject({ url: z.string() })]).optional(),
});

const OpenAiToolCallSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional() }),
});

export const OpenAiMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(OpenAiPartSchema), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(OpenAiToolCallSchema).nullish(),
  tool_call_id: z.string().optional(),
  reasoning: z.string().nullish(),
});

export const OpenAiChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(OpenAiMessageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: num,
  top_p: num,
  max_tokens: z.number().int().nullish(),
  max_completion_tokens: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  frequency_penalty: num,
  presence_penalty: num,
  response_format: z.looseObject({ type: z.string(), json_schema: z.looseObject({ schema: z.record(z.string(), z.unknown()).optional() }).optional() }).nullish(),
  tools: z.array(z.unknown()).nullish(),
});
export type OpenAiChatRequest = z.infer<typeof OpenAiChatRequestSchema>;

const OllamaToolCallSchema = z.looseObject({
  function: z.looseObject({ name: z.string(), arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).optional() }),
});

const OllamaOptionsSchema = z.looseObject({
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  num_predict: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  seed: z.number().int().optional(),
  frequency_penalty: z.number().optional(),
  presence_penalty: z.number().optional(),
});

const OllamaFormatSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).optional();

export const OllamaMessageSchema = z.looseObject({
  role: z.enum(["system", "user", "assistant", "tool"]),
  content: z.string().default(""),
  images: z.array(z.string()).nullish(),
  tool_calls: z.array(OllamaToolCallSchema).nullish(),
  tool_name: z.string().optional(),
  thinking: z.string().optional(),
});

export const OllamaChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(OllamaMessageSchema).default([]),
  stream: z.boolean().optional(),
  format: OllamaFormatSchema,
  options: OllamaOptionsSchema.optional(),
  tools: z.array(z.unknown()).optional(),
});
export type OllamaChatRequest = z.infer<typeof OllamaChatRequestSchema>;

export const OllamaGenerateRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.string().default(""),
  system: z.string().optional(),
  images: z.array(z.string()).nullish(),
  stream: z.boolean().optional(),
  format: OllamaFormatSchema,
  options: OllamaOptionsSchema.optional(),
});
export type OllamaGenerateRequest = z.infer<typeof OllamaGenerateRequestSchema>;

/** The first problem of a failed parse as "path: message", e.g. "messages.0.role: Invalid option ...". */
export function describeIssue(error: z.ZodError): { param: string; message: string } {
  const issue = error.issues[0]!;
  const param = issue.path.map(String).join(".") || "(body)";
  return { param, message: `${param}: ${issue.message}` };
}
