/** The `alerts` table's kinds; each is also a template name under templates/alerts/. */
export const ALERT_KINDS = ["service_down", "resource", "performance", "requirement", "resolved", "reminder"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** `requirement`: a requirement fell from Verified (its service is `requirement:<id>`). */
export type IncidentKind = "down" | "resource" | "performance" | "requirement";
export type Severity = "critical" | "warning";

/** One thing worth telling people: an incident opened, reminded or resolved. */
export interface Alert {
  kind: AlertKind;
  service: string;
  incidentId: string;
  incidentKind: IncidentKind;
  severity: Severity;
  /** One line for people, e.g. "ollama is down: connection refused". */
  summary: string;
  /** The last error or reading behind it. */
  detail: string;
  /** When it happened, ms since the epoch. */
  at: number;
  openedAt: number;
  /** Set on `resolved`: how long the incident lasted. */
  durationMs: number | null;
  /** Requirement ids whose Services cell names the service. */
  requirements: string[];
}

/** What a template sees for one alert: every value preformatted, and `json.*` the same values JSON-encoded. */
export interface AlertView extends Pick<Alert, "kind" | "service" | "incidentId" | "incidentKind" | "severity" | "summary" | "detail"> {
  title: string;
  at: string;
  opened: string;
  duration: string;
  requirements: string;
  /** ntfy priority 1..5. */
  priority: number;
  json: Record<string, string>;
}

/** What the grouped template sees: several alerts of one kind that came within the group window. */
export interface GroupedView {
  kind: AlertKind;
  title: string;
  count: number;
  services: string;
  at: string;
  priority: number;
  alerts: AlertView[];
  json: Record<string, string>;
}
