import { z } from "zod";
import { DurationSchema } from "../probes/service-base.ts";

export const EvidenceConfigSchema = z.object({
  /** How often every requirement is evaluated. */
  interval: DurationSchema.default("60s"),
});
