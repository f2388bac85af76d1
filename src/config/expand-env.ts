/** `${NAME}`, `${NAME:-default}`; `$$` stands for a literal `$`. */
const PATTERN = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface ExpandResult {
  value: string;
  /** Variables referenced without a default and not set. */
  missing: string[];
}

export function expandEnv(text: string, env: Readonly<Record<string, string | undefined>>): ExpandResult {
  const missing: string[] = [];
  const value = text.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === "$$") return "$";
    const v = env[name!];
    if (v !== undefined && v !== "") return v;
    if (fallback !== undefined) return fallback;
    missing.push(name!);
    return "";
  });
  return { value, missing };
}
