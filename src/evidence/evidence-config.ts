import { z } from "zod";
import { DurationSchema } from "../probes/service-base.ts";

export const EvidenceConfigSchema = z.object({
  /** How often every requirement is evaluated. */
  interval: DurationSchema.default("60s"),
  /** An Evidence database row per criterion when its result changes, else at most this often. */
  history: DurationSchema.default("1h"),
  /** A card whose results did not change is rewritten with its new readings at most this often. */
  cardRefresh: DurationSchema.default("5m"),
  /** How long every evaluation is kept in the local store's evidence table, and Evidence rows in the workspace. */
  retention: DurationSchema.default("30d"),
});
