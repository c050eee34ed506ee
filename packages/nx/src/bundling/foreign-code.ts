import { resolve, sep } from 'node:path';
import type { Metafile } from 'esbuild';
import type { ServiceProcessPlan } from '../app/process-plan';

/**
 * The files of other services that a process's bundle holds, with the module that pulled
 * each in: a process holds only its own services' code (another service's client module
 * aside, which holds none). An import that reaches past a service's client, through a path
 * alias or a relative path, would otherwise ship one service's code, and its own copy of
 * that service's state, inside another.
 */
export function foreignServiceCode(plan: ServiceProcessPlan, metafile: Metafile, workspaceRoot: string): { file: string; service: string; importer?: string }[] {
  const importers = new Map<string, string>();
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const imported of imports) if (!importers.has(imported.path)) importers.set(imported.path, input);
  }
  const found: { file: string; service: string; importer?: string }[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    const file = resolve(workspaceRoot, input);
    const owner = plan.others.find((other) => file.startsWith(`${other.root}${sep}`));
    if (owner && file !== owner.clientFile) found.push({ file: input, service: owner.name, importer: importers.get(input) });
  }
  return found;
}

/** Refuses a bundle that holds another service's code, naming each file and what imported it. */
export function assertOwnCodeOnly(app: string, plan: ServiceProcessPlan, metafile: Metafile, workspaceRoot: string): void {
  const foreign = foreignServiceCode(plan, metafile, workspaceRoot);
  if (foreign.length === 0) return;
  const lines = foreign.map((f) => `  ${f.file} (service "${f.service}")${f.importer ? `, imported by ${f.importer}` : ''}`);
  throw new Error(
    `Process ${plan.name} of app ${app} would hold the code of services it does not host:\n${lines.join('\n')}\n` +
      `A service reaches another only through that service's client module (import { ${foreign[0].service.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())} } from '.../${foreign[0].service}/client'), ` +
      `never its implementation: change the import, or move the code both use to a library project.`,
  );
}
