import { z } from "zod";
import { serviceBaseShape } from "../service-base.ts";

/** A service with no HTTP surface (DSPy, Candle binaries): a named process, or a command's exit code. */
export const ProcessTargetSchema = z
  .object({
    ...serviceBaseShape,
    kind: z.literal("process"),
    /** Matches a running process's command line (substring). */
    match: z.string().min(1).optional(),
    /** A command from the config file whose exit code 0 means up. */
    command: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((t) => t.match !== undefined || t.command !== undefined, { message: "set match (a process name) or command (a check command)", path: ["match"] });
export type ProcessTarget = z.infer<typeof ProcessTargetSchema>;
