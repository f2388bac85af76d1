import { z } from "zod";
import { PRIORITIES } from "../workspace/databases.ts";

export const REQUIREMENT_ID = /^[A-Z][A-Z0-9]*-\d{3,}$/;

/** A requirement as a template defines it (front matter) plus its rendered description. */
export const RequirementSchema = z.object({
  id: z.string().regex(REQUIREMENT_ID, 'an id like "FR-006"'),
  title: z.string().trim().min(1).max(200),
  services: z.array(z.string().min(1)).default([]),
  priority: z.enum(PRIORITIES).default("P2"),
  owner: z.string().default(""),
  criteria: z.array(z.string().trim().min(1).refine((s) => !s.includes("\n"), "one criterion per line")).default([]),
});

export type RequirementFrontMatter = z.infer<typeof RequirementSchema>;

export interface Requirement extends RequirementFrontMatter {
  /** The rendered markdown body: the card's Description and the requirement's page. */
  description: string;
  /** The template it came from, for messages. */
  template: string;
}
