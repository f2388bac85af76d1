import { z } from "zod";
import { DurationSchema, HttpUrlSchema } from "../probes/service-base.ts";

export const DEFAULT_WORKSPACE_PORT = 4001;

export const LocalWorkspaceConfigSchema = z.object({
  kind: z.literal("local"),
  /** The embedded Hocuspocus server's port; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(DEFAULT_WORKSPACE_PORT),
  host: z.string().default("127.0.0.1"),
  /** Required from clients when `host` is not loopback. */
  token: z.string().min(16).optional(),
});

export const AppFlowyWorkspaceConfigSchema = z.object({
  kind: z.literal("appflowy"),
  /** The AppFlowy Cloud base URL (the nginx front), e.g. https://appflowy.example.com. */
  url: HttpUrlSchema,
  email: z.email(),
  password: z.string().min(1),
  /** The workspace's name or id. */
  workspace: z.string().min(1),
  /** The folder page that holds the tracker's grids. */
  folder: z.string().min(1).default("AI Tracker"),
  /** Sent as the `client-version` header; newer servers may enforce a minimum. */
  clientVersion: z.string().default("0.9.4"),
  /** How often team edits are read back. */
  pollInterval: DurationSchema.default("30s"),
  requestTimeout: DurationSchema.default("15s"),
});

export const WorkspaceConfigSchema = z.discriminatedUnion("kind", [LocalWorkspaceConfigSchema, AppFlowyWorkspaceConfigSchema]);

export type WorkspaceConfig = z.infer<typeof WorkspaceConfigSchema>;
export type LocalWorkspaceConfig = z.infer<typeof LocalWorkspaceConfigSchema>;
export type AppFlowyWorkspaceConfig = z.infer<typeof AppFlowyWorkspaceConfigSchema>;
