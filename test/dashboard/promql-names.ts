/**
 * Metric names in a PromQL expression, by a small tokenizer adequate for the dashboards' and rules'
 * expressions: string literals, label matchers `{…}`, ranges `[…]` and label lists of `by`,
 * `without`, `on`, `ignoring`, `group_left`, `group_right` are removed; of the identifiers left,
 * those followed by `(` are functions or aggregations, keywords are dropped, and the rest are metric names.
 */

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'topk',
  'bottomk',
  'quantile',
  'stddev',
  'stdvar',
  'count_values',
  'group',
]);

/** The distinct metric names `expr` selects, in order of first appearance. */
export function metricNames(expr: string): string[] {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const out: string[] = [];
  const re = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const prev = s[m.index - 1];
    if (prev !== undefined && /[0-9.]/.test(prev)) continue; // part of a number such as 1e3
    const name = m[0];
    const rest = s.slice(m.index + name.length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(name.toLowerCase())) continue;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** Replaces Grafana's template variables with values a query can run with. */
export function substituteGrafanaVariables(expr: string, vars: Record<string, string> = {}): string {
  const builtins: Record<string, string> = { __range: '1h', __rate_interval: '1m', __interval: '30s', __range_s: '3600', __interval_ms: '30000' };
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    return builtins[name] ?? vars[name] ?? 'test-value';
  });
}
