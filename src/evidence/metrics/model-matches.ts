/**
 * Whether a model name a server reports is the model a criterion names. Servers prefix names with an
 * organisation or path (`mlx-community/Llama-3.2-3B-Instruct-4bit`), so a match on the last path segments
 * counts; case is ignored.
 */
export function modelMatches(reported: string, wanted: string): boolean {
  const r = reported.toLowerCase();
  const w = wanted.toLowerCase();
  return r === w || r.endsWith(`/${w}`);
}
