import { z } from "zod";
import { serviceBaseShape } from "../service-base.ts";

const Percent = z.number().min(0).max(100);

export const HostTargetSchema = z.object({
  ...serviceBaseShape,
  kind: z.literal("host"),
  /** The filesystem whose free space counts; the data folder's by default. */
  diskPath: z.string().default("."),
  /** Over these the host is degraded and a resource alert fires. */
  thresholds: z
    .object({
      memoryPct: Percent.default(90),
      diskPct: Percent.default(90),
      cpuPct: Percent.default(95),
      gpuMemoryPct: Percent.default(95),
    })
    .prefault({}),
});
export type HostTarget = z.infer<typeof HostTargetSchema>;
