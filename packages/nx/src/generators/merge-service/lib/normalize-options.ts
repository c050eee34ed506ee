import { names, type Tree } from '@nx/devkit';
import { analyzeWorkspace, formatAnalysisErrors, isInside, type ServiceInfo, treeHost } from '../../../analysis';
import { appsServing, listedOnce, type SplitApp } from '../../split-service/lib/normalize-options';
import { isEsmFolder } from '../../utils/workspace';
import type { MergeServiceGeneratorSchema } from '../schema';

/** The options of a merge, read once, up front. */
export interface NormalizedMergeOptions {
  /** The service whose code moves and which is removed. */
  readonly from: ServiceInfo;
  /** The service that takes the code in. */
  readonly into: ServiceInfo;
  /** The name `into`'s client is exported as: `hello`, `userProfile`. */
  readonly intoClientName: string;
  /** Every service of the workspace. */
  readonly services: readonly ServiceInfo[];
  /** Every app that serves either service. */
  readonly apps: readonly SplitApp[];
  /** `.js` in ES module packages, where relative imports name the emitted file. */
  readonly importExtension: '' | '.js';
  readonly skipFormat: boolean;
}

/**
 * Reads both services with the analysis and the apps that serve them. Refuses an unknown
 * or repeated service, and services whose code the analysis cannot read.
 */
export function normalizeOptions(tree: Tree, schema: MergeServiceGeneratorSchema): NormalizedMergeOptions {
  const host = listedOnce(treeHost(tree));
  const analysis = analyzeWorkspace(tree.root, { host });
  const fromName = schema.from?.trim() ?? '';
  const intoName = schema.into?.trim() ?? '';
  const from = findService(analysis.services, fromName, '--from', 'to merge and remove');
  const into = findService(analysis.services, intoName, '--into', 'to merge it into');
  if (from === into) {
    throw new Error(`--from and --into both name service "${from.name}". Pass two different services: --from is merged into --into and removed.`);
  }
  const problems = analysis.errors.filter((error) => isInside(error.file, from.root) || isInside(error.file, into.root));
  if (problems.length) {
    throw new Error(`Services "${from.name}" and "${into.name}" have problems the merge cannot work around; fix them first.\n\n${formatAnalysisErrors(problems)}`);
  }
  const apps = [...appsServing(tree, host, from), ...appsServing(tree, host, into)];
  return {
    from,
    into,
    intoClientName: names(into.name).propertyName,
    services: analysis.services,
    apps: apps.filter((app, i) => apps.findIndex((other) => other.root === app.root) === i),
    importExtension: isEsmFolder(host, into.root) ? '.js' : '',
    skipFormat: schema.skipFormat ?? false,
  };
}

function findService(services: readonly ServiceInfo[], name: string, option: string, role: string): ServiceInfo {
  const found = services.find((service) => service.name === name);
  if (found) return found;
  const known = services.map((service) => service.name).join(', ');
  if (name === '') throw new Error(`Pass ${option} with the service ${role}${known ? `: one of ${known}` : ''}.`);
  throw new Error(
    known
      ? `There is no service "${name}". Pass ${option} with one of: ${known}.`
      : `There is no service "${name}": the workspace has no service yet. Create one with \`nx g @topo/nx:service\`.`,
  );
}
