/** A JSON-array column (incidents.requirements, observations.models_*) as strings; anything unreadable is an empty list. */
export function parseJsonList(text: string): string[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
