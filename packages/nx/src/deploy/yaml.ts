import { stringify } from 'yaml';

/**
 * YAML for the plain data of compose files and Kubernetes manifests (maps, lists, strings,
 * numbers, booleans, null), written by the `yaml` package: every string reads back as the
 * same string (`a:`, `yes`, `0755`, `- x` are quoted where YAML would read them otherwise),
 * long strings are never folded, and nothing is written as an anchor or alias.
 *
 * @example
 * toYaml({ services: { api: { ports: ['4000:4000'] } } }); // 'services:\n  api:\n    ports:\n      - 4000:4000\n'
 */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
