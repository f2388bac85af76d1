import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadTemplate, type TemplateFn } from "../../shared/render-template.ts";
import type { Webhook } from "../monitor-config.ts";
import type { Alert, AlertKind } from "./alert.ts";
import { alertView, groupedView } from "./alert-view.ts";

export const ALERT_TEMPLATES_DIR = fileURLToPath(new URL("../../../templates/alerts/", import.meta.url));

export type WebhookFormat = Webhook["format"];

/** templates/alerts/<event>.<format>.hbs, compiled on first use and kept. */
export class AlertTemplates {
  private readonly dir: string;
  private readonly cache = new Map<string, TemplateFn>();

  constructor(dir: string = ALERT_TEMPLATES_DIR) {
    this.dir = dir;
  }

  /** The file a message is rendered from: the kind's own, or grouped.* for several alerts. */
  file(kind: AlertKind | "grouped", format: WebhookFormat): string {
    return join(this.dir, `${kind}.${format}.hbs`);
  }

  /** Renders one alert with its kind's template, or several (of one kind) with the grouped template. */
  render(alerts: readonly Alert[], format: WebhookFormat): { file: string; text: string } {
    if (alerts.length === 0) throw new Error("render() needs at least one alert");
    const grouped = alerts.length > 1;
    const file = this.file(grouped ? "grouped" : alerts[0]!.kind, format);
    let fn = this.cache.get(file);
    if (!fn) {
      fn = loadTemplate(file);
      this.cache.set(file, fn);
    }
    const view = grouped ? groupedView(alerts) : alertView(alerts[0]!);
    return { file, text: fn(view as unknown as Record<string, unknown>) };
  }
}
