import { formatDuration } from "../../shared/duration.ts";
import type { Alert, AlertKind, AlertView, GroupedView } from "./alert.ts";

const TITLES: Record<AlertKind, (a: Alert) => string> = {
  service_down: (a) => `${a.service} is down`,
  resource: (a) => `${a.service}: resource exhausted`,
  performance: (a) => `${a.service} is slow`,
  requirement: (a) => `${requirementId(a)} is no longer Verified`,
  resolved: (a) => (a.incidentKind === "requirement" ? `${requirementId(a)} is Verified again` : `${a.service} recovered`),
  reminder: (a) => `${a.service} still failing`,
};

const PRIORITY: Record<AlertKind, number> = { service_down: 5, resource: 4, performance: 3, requirement: 4, reminder: 4, resolved: 3 };

const GROUP_TITLES: Record<AlertKind, (n: number) => string> = {
  service_down: (n) => `${n} services are down`,
  resource: (n) => `${n} resource alerts`,
  performance: (n) => `${n} services are slow`,
  requirement: (n) => `${n} requirements are no longer Verified`,
  resolved: (n) => `${n} services recovered`,
  reminder: (n) => `${n} services still failing`,
};

const iso = (ms: number) => new Date(ms).toISOString();

/** A requirement incident's service is `requirement:<id>`; its alerts name the requirement. */
const requirementId = (a: Alert): string => a.requirements[0] ?? a.service.replace(/^requirement:/, "");

/** The template context for one alert (pure). */
export function alertView(a: Alert): AlertView {
  const plain = {
    kind: a.kind,
    title: TITLES[a.kind](a),
    service: a.service,
    incidentId: a.incidentId,
    incidentKind: a.incidentKind,
    severity: a.severity,
    summary: a.summary,
    detail: a.detail,
    at: iso(a.at),
    opened: iso(a.openedAt),
    duration: a.durationMs === null ? "" : formatDuration(a.durationMs),
    requirements: a.requirements.join(", "),
    priority: PRIORITY[a.kind],
  };
  const json: Record<string, string> = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, JSON.stringify(v)]));
  json.requirementList = JSON.stringify(a.requirements);
  json.durationMs = JSON.stringify(a.durationMs);
  return { ...plain, json };
}

/** The template context for several alerts of one kind sent as one message (pure). */
export function groupedView(alerts: readonly Alert[]): GroupedView {
  const kind = alerts[0]!.kind;
  const views = alerts.map(alertView);
  const services = [...new Set(alerts.map((a) => a.service))];
  const at = iso(Math.max(...alerts.map((a) => a.at)));
  const title = kind === "resolved" && alerts.some((a) => a.incidentKind === "requirement") ? `${alerts.length} incidents resolved` : GROUP_TITLES[kind](services.length);
  const priority = Math.max(...views.map((v) => v.priority));
  const objects = views.map(({ json: _json, ...rest }) => rest);
  return {
    kind,
    title,
    count: alerts.length,
    services: services.join(", "),
    at,
    priority,
    alerts: views,
    json: {
      kind: JSON.stringify(kind),
      title: JSON.stringify(title),
      count: JSON.stringify(alerts.length),
      services: JSON.stringify(services),
      at: JSON.stringify(at),
      alerts: JSON.stringify(objects),
    },
  };
}
