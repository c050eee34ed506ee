import { formatFiles, type Tree } from '@nx/devkit';
import { checkService } from './lib/check-service';
import { createServiceFiles } from './lib/create-service-files';
import { normalizeOptions } from './lib/normalize-options';
import { updateAppConfig } from './lib/update-app-config';
import type { ServiceGeneratorSchema } from './schema';

/**
 * `nx g @topo/nx:service <name>`: a new service in an app, with one example endpoint, its
 * test, and the client module that other services call it through. Refuses, writing
 * nothing, a name that is invalid or taken, or an app it cannot tell.
 *
 * @example
 * nx g @topo/nx:service billing --app=api
 */
export async function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): Promise<void> {
  const options = normalizeOptions(tree, schema);
  checkService(tree, options);
  createServiceFiles(tree, options);
  updateAppConfig(tree, options);
  if (!options.skipFormat) await formatFiles(tree);
}

export default serviceGenerator;
