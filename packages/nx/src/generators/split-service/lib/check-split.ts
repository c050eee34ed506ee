import { getProjects, type Tree } from '@nx/devkit';
import { isInside } from '../../../analysis';
import type { NormalizedSplitOptions } from './normalize-options';

/**
 * Refuses, before anything is written, a split whose new service could not exist: a name
 * or folder that is taken, a folder no app would serve, or a selection that leaves the
 * source with no endpoint (that is a rename).
 */
export function checkSplit(tree: Tree, options: NormalizedSplitOptions): void {
  const { name, directory, source, services } = options;
  const taken = services.find((service) => service.name === name);
  if (taken) {
    throw new Error(
      `Service "${name}" already exists (${taken.serviceFile}). Pass another --name; service names are unique in the workspace.`,
    );
  }
  for (const [project, configuration] of getProjects(tree)) {
    if (project === name) {
      throw new Error(
        `Project "${name}" already exists (${configuration.root}); a service is a project of that name. Pass another --name.`,
      );
    }
  }
  const app = options.apps.find((a) => a.name === name);
  if (app) throw new Error(`App "${name}" (${app.root}) already has that name; a service is a project of that name. Pass another --name.`);

  if (options.endpoints.length === source.endpoints.length) {
    throw new Error(
      `Every endpoint of service "${source.name}" is selected (${source.endpoints.map((e) => e.exportName).join(', ')}): ` +
        `that moves the whole service, which is a rename, not a split. ` +
        `Rename it instead: change \`new Service('${source.name}')\` in ${source.serviceFile} to '${name}' and the name in its client.ts` +
        `${source.clientFile ? ` (${source.clientFile})` : ''}; or leave at least one endpoint in "${source.name}".`,
    );
  }

  if (directory === '' || directory === '.' || directory.startsWith('..') || directory.startsWith('/')) {
    throw new Error(
      `--directory=${directory} is not a folder inside the workspace. Pass one such as ${source.root.replace(/[^/]+$/, name)}.`,
    );
  }
  if (tree.exists(directory) && (tree.isFile(directory) || tree.children(directory).length > 0)) {
    throw new Error(`${directory} already exists. Pass --directory with a new folder for service "${name}".`);
  }
  const outer = services.find((service) => isInside(directory, service.root));
  if (outer) {
    throw new Error(
      `${directory} is inside service "${outer.name}" (${outer.root}); services cannot be nested. Pass --directory outside it.`,
    );
  }
  const inner = services.find((service) => isInside(service.root, directory));
  if (inner) {
    throw new Error(
      `${directory} would contain service "${inner.name}" (${inner.root}); services cannot be nested. Pass another --directory.`,
    );
  }
  for (const served of options.apps) {
    if (served.config.services === '*' && !isInside(directory, served.root)) {
      throw new Error(
        `${directory} is outside app ${served.root}, whose topo.json takes the services below it ("services": "*"), so "${name}" would not be served with "${source.name}". ` +
          `Pass a --directory below ${served.root}.`,
      );
    }
  }
}
