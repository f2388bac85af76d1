import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

/** mlx_lm.server's own default port; the reference setup uses 8002 in the config. */
export const DEFAULT_MLX_URL = "http://127.0.0.1:8080";

export const MlxTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("mlx"),
  url: HttpUrlSchema.default(DEFAULT_MLX_URL),
});
export type MlxTarget = z.infer<typeof MlxTargetSchema>;
