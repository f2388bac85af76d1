import type { DatabaseSpec, FieldSpec } from "./workspace.ts";

const team = (name: string, type: FieldSpec["type"] = "text", options?: string[]): FieldSpec => ({ name, type, owner: "team", options });
const tracker = (name: string, type: FieldSpec["type"] = "text", options?: string[]): FieldSpec => ({ name, type, owner: "tracker", options });

export const REQUIREMENT_STATUSES = ["Verified", "Degraded", "Failing", "Unverified", "Invalid"] as const;
export type RequirementStatus = (typeof REQUIREMENT_STATUSES)[number];
export const SERVICE_STATUSES = ["up", "cold", "degraded", "down", "wrong-service"] as const;
export const PRIORITIES = ["P0", "P1", "P2", "P3"] as const;

/** The six databases of the design (section 3); field order is display order. */
export const REQUIREMENTS: DatabaseSpec = {
  name: "Requirements",
  keyField: "ID",
  fields: [
    team("ID"),
    team("Title"),
    team("Description"),
    team("Services"),
    team("Criteria"),
    team("Owner"),
    team("Priority", "select", [...PRIORITIES]),
    tracker("Status", "select", [...REQUIREMENT_STATUSES]),
    tracker("Evidence"),
    tracker("Last verified", "date"),
  ],
};

export const SERVICES: DatabaseSpec = {
  name: "Services",
  keyField: "Name",
  fields: [
    tracker("Name"),
    tracker("Kind"),
    tracker("Endpoint", "url"),
    tracker("Status", "select", [...SERVICE_STATUSES]),
    tracker("Models"),
    tracker("Version"),
    tracker("Latency ms", "number"),
    tracker("Uptime 24h %", "number"),
    tracker("Last check", "date"),
  ],
};

export const HEALTH: DatabaseSpec = {
  name: "Health",
  keyField: "Key",
  fields: [
    tracker("Key"),
    tracker("Service"),
    tracker("Window"),
    tracker("Checks", "number"),
    tracker("Failures", "number"),
    tracker("Availability %", "number"),
    tracker("Latency p50 ms", "number"),
    tracker("Latency p95 ms", "number"),
    tracker("Worst detail"),
  ],
};

export const BENCHMARKS: DatabaseSpec = {
  name: "Benchmarks",
  keyField: "Key",
  fields: [
    tracker("Key"),
    tracker("Service"),
    tracker("Model"),
    tracker("Metric"),
    tracker("Value", "number"),
    tracker("Unit"),
    tracker("Time", "date"),
    tracker("Conditions"),
  ],
};

export const INCIDENTS: DatabaseSpec = {
  name: "Incidents",
  keyField: "Incident",
  fields: [
    tracker("Incident"),
    tracker("Service"),
    tracker("Kind", "select", ["down", "resource", "performance", "requirement"]),
    tracker("Severity", "select", ["critical", "warning"]),
    tracker("Status", "select", ["open", "resolved"]),
    tracker("Opened", "date"),
    tracker("Resolved", "date"),
    tracker("Duration"),
    tracker("Summary"),
    tracker("Requirements affected"),
  ],
};

export const EVIDENCE: DatabaseSpec = {
  name: "Evidence",
  keyField: "Key",
  fields: [
    tracker("Key"),
    tracker("Requirement"),
    tracker("Criterion"),
    tracker("Measured"),
    tracker("Threshold"),
    tracker("Result", "select", ["pass", "fail", "unverified"]),
    tracker("Source", "select", ["probe", "router", "voice", "vision", "benchmark", "monitor"]),
    tracker("Time", "date"),
  ],
};

export const DATABASES: readonly DatabaseSpec[] = [REQUIREMENTS, SERVICES, HEALTH, BENCHMARKS, INCIDENTS, EVIDENCE];

export function databaseSpec(name: string): DatabaseSpec {
  const spec = DATABASES.find((d) => d.name === name);
  if (!spec) throw new Error(`unknown database "${name}"`);
  return spec;
}
