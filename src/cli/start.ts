import { createApp } from "../app.ts";
import { loadConfig } from "../config/load-config.ts";
import { createLogger } from "../shared/logger.ts";
import type { Command } from "./command.ts";
import { CONFIG_OPTION, parseCommandArgs } from "./parse-args.ts";

export const startCommand: Command = {
  name: "start",
  summary: "start [--config FILE]   run everything: workspace, probes, router, evidence, board (Ctrl-C stops)",
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, CONFIG_OPTION);
    const { config, source } = loadConfig(values.config, ctx.env);
    const logger = createLogger({ level: ctx.env.LOG_LEVEL ?? config.log.level, pretty: ctx.env.LOG_PRETTY === "1" || config.log.pretty });
    logger.info({ config: source, dataDir: config.dataDir }, "starting");
    const app = createApp(config, { logger });
    await app.start();
    await ctx.stopSignal;
    logger.info("stopping");
    await app.stop();
    logger.info("stopped");
    logger.flush?.();
    return 0;
  },
};
