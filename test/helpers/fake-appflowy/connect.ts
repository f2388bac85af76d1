import type { Logger } from "../../../src/shared/logger.ts";
import { silentLogger } from "../../../src/shared/logger.ts";
import { AppFlowyWorkspace } from "../../../src/workspace/appflowy-cloud/index.ts";
import { AppFlowyWorkspaceConfigSchema, type AppFlowyWorkspaceConfig } from "../../../src/workspace/workspace-config.ts";
import type { FakeAppFlowy } from "./fake-appflowy.ts";

/** The adapter's config for a double: the double's default account and workspace, polling every second. */
export function appflowyConfig(fake: FakeAppFlowy, extra: Partial<Record<keyof AppFlowyWorkspaceConfig, unknown>> = {}): AppFlowyWorkspaceConfig {
  return AppFlowyWorkspaceConfigSchema.parse({ kind: "appflowy", url: fake.url, email: "bot@example.com", password: "bot-password", workspace: "Team", pollInterval: "1s", requestTimeout: "10s", ...extra });
}

export function connect(fake: FakeAppFlowy, options: { logger?: Logger; config?: Partial<Record<keyof AppFlowyWorkspaceConfig, unknown>>; updateConcurrency?: number } = {}): AppFlowyWorkspace {
  return new AppFlowyWorkspace({ config: appflowyConfig(fake, options.config), fetch, logger: options.logger ?? silentLogger(), updateConcurrency: options.updateConcurrency });
}
