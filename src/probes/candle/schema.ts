import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

/** A Candle-based server (mistral.rs `/health`, candle-vllm `/v1/models`) or a Candle binary on PATH. */
export const CandleTargetSchema = z
  .object({
    ...serviceBaseShape,
    kind: z.literal("candle"),
    url: HttpUrlSchema.optional(),
    /** A binary that must be on PATH, checked with `binaryArgs` (default `--version`). */
    binary: z.string().min(1).optional(),
    binaryArgs: z.array(z.string()).default(["--version"]),
  })
  .refine((t) => t.url !== undefined || t.binary !== undefined, { message: "set url (a Candle server) or binary (a Candle binary on PATH)", path: ["url"] });
export type CandleTarget = z.infer<typeof CandleTargetSchema>;
