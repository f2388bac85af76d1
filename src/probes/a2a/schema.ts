import { z } from "zod";
import { HttpUrlSchema, serviceBaseShape } from "../service-base.ts";

export const A2aTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("a2a"),
  /** The agent's base URL; the card is read from /.well-known/agent-card.json, then agent.json. */
  url: HttpUrlSchema,
});
export type A2aTarget = z.infer<typeof A2aTargetSchema>;
