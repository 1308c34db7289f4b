/**
 * @module operator/components/rule-files
 * The Prometheus rule groups shipped in `deploy/prometheus/powerplane-rules.yaml` (recording rules for
 * node, pod and namespace watts, and alerts). The operator's PrometheusRule carries exactly these, so
 * a plain Prometheus and a Prometheus Operator get the same rules from one file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../core/version.js';
import { ERR_MALFORMED_FILE, errorMessage } from '../../core/errors.js';

/** One Prometheus rule group as in a rules file. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<Record<string, unknown>>;
}

/** The rules file of this installation (source tree or package). */
export function defaultRulesFile(): string {
  return join(PACKAGE_ROOT, 'deploy', 'prometheus', 'powerplane-rules.yaml');
}

/** Reads the rule groups of a Prometheus rules file; a missing file gives none, a malformed one throws with its path. */
export function loadRuleGroups(path: string = defaultRulesFile()): RuleGroup[] {
  if (!existsSync(path)) return [];
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw ERR_MALFORMED_FILE(`rules file ${path}: ${errorMessage(err).split('\n')[0]}`, { path });
  }
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups) || groups.some((g) => typeof g?.name !== 'string' || !Array.isArray(g?.rules))) {
    throw ERR_MALFORMED_FILE(`rules file ${path}: expected groups: [{name, rules: [...]}]`, { path });
  }
  return groups as RuleGroup[];
}

let shipped: RuleGroup[] | undefined;

/** The shipped rule groups, read once. */
export function shippedRuleGroups(): RuleGroup[] {
  shipped ??= loadRuleGroups();
  return shipped;
}
