import { getProjects, type Tree } from '@nx/devkit';
import { findServices, isInside, treeHost } from '../../../analysis';
import type { NormalizedServiceOptions } from './normalize-options';

/** Refuses, before anything is written, a service that would break the workspace. */
export function checkService(tree: Tree, options: NormalizedServiceOptions): void {
  const { name, directory, app } = options;
  if (directory === '' || directory === '.' || directory.startsWith('..')) {
    throw new Error(`--directory=${directory} is not a folder inside the workspace. Pass one such as ${app.root}/services/${name}.`);
  }
  const { services } = findServices(tree.root, { host: treeHost(tree) });
  const taken = services.find((service) => service.name === name);
  if (taken) {
    throw new Error(`Service "${name}" already exists (${taken.serviceFile}). Choose another name; service names are unique in the workspace.`);
  }
  for (const [project, configuration] of getProjects(tree)) {
    if (project === name) {
      throw new Error(`Project "${name}" already exists (${configuration.root}); a service is a project of that name. Choose another name.`);
    }
  }
  if (app.name === name) {
    throw new Error(`The app is named "${name}"; a service is a project of that name. Choose another name.`);
  }
  if (tree.exists(directory) && (tree.isFile(directory) || tree.children(directory).length > 0)) {
    throw new Error(`${directory} already exists. Pass --directory to create the service in a new folder.`);
  }
  const outer = services.find((service) => isInside(directory, service.root));
  if (outer) {
    throw new Error(`${directory} is inside service "${outer.name}" (${outer.root}); services cannot be nested. Pass --directory outside it.`);
  }
  const inner = services.find((service) => isInside(service.root, directory));
  if (inner) {
    throw new Error(`${directory} would contain service "${inner.name}" (${inner.root}); services cannot be nested. Pass another --directory.`);
  }
  if (app.config.services === '*' && !isInside(directory, app.root)) {
    throw new Error(
      `${directory} is outside app ${app.root}, whose topo.json takes the services below it ("services": "*"). ` +
        `Pass a --directory below ${app.root}, or list the app's services in its topo.json.`,
    );
  }
}
