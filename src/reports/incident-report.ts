import { fileURLToPath } from "node:url";
import type { Config } from "../config/schema.ts";
import { parseDuration } from "../shared/duration.ts";
import type { Logger } from "../shared/logger.ts";
import { loadTemplate } from "../shared/render-template.ts";
import type { Db } from "../store/open-store.ts";
import type { RecordWriter } from "../workspace/record-writer.ts";
import type { PageSpec } from "../workspace/workspace.ts";
import { buildIncidentReport, type IncidentReportData } from "./incident-report-data.ts";

export const INCIDENT_REPORT_TEMPLATE = fileURLToPath(new URL("../../templates/reports/incident-report.md.hbs", import.meta.url));

export interface IncidentReportDeps {
  store: Db;
  records: RecordWriter;
  config: Config;
  now: () => number;
  logger: Logger;
}

/** Renders the report's markdown from templates/reports/incident-report.md.hbs. */
export function renderIncidentReport(data: IncidentReportData, templateFile = INCIDENT_REPORT_TEMPLATE): string {
  return loadTemplate(templateFile)(data as unknown as Record<string, unknown>);
}

/** Builds the report over the last config.reports.window and renders it as a page (not yet written). */
export function incidentReportPage(store: Db, config: Config, now: number): PageSpec {
  const windowMs = parseDuration(config.reports.window) ?? 86_400_000;
  const data = buildIncidentReport(store, { from: now - windowMs, to: now, services: config.services.map((s) => s.name) }, now);
  return { key: data.key, title: data.title, markdown: renderIncidentReport(data) };
}

/**
 * The scheduled incident report: rendered over the last config.reports.window and written as the workspace
 * page `incident-report-<date>` (a second run the same day replaces it).
 */
export async function writeIncidentReport(deps: IncidentReportDeps): Promise<PageSpec> {
  const page = incidentReportPage(deps.store, deps.config, deps.now());
  deps.records.page(page);
  deps.logger.child({ module: "reports" }).info({ page: page.key }, "incident report written");
  return page;
}
