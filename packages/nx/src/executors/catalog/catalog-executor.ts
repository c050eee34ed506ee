import { type ExecutorContext, logger } from '@nx/devkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadCatalog } from '../../app/load-app';
import { toOpenApi } from '../../catalog/openapi';
import { renderCatalogPage } from '../../catalog/render-page';
import type { CatalogExecutorOptions } from './schema';

/**
 * `nx run <app>:catalog`: writes `dist/<app>/catalog/`: `catalog.json` (the model: services,
 * endpoints with their schemas, calls, topologies), `openapi.json` (OpenAPI 3.1 of the
 * public endpoints) and `index.html` (the catalog page and architecture diagram, one file
 * that needs no network). Refuses, as serve and build do, an app the analysis finds
 * problems in.
 */
export default async function catalogExecutor(options: CatalogExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const appName = context.projectName;
  const project = appName ? context.projectsConfigurations?.projects[appName] : undefined;
  if (!appName || !project) throw new Error('nx run <app>:catalog needs an app: run it as `nx run <app>:catalog`.');
  const catalog = loadCatalog({ workspaceRoot: context.root, appName, appRoot: join(context.root, project.root) });
  const outDir = join(context.root, options.outputPath ?? join('dist', appName, 'catalog'));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'catalog.json'), `${JSON.stringify(catalog, null, 2)}\n`);
  writeFileSync(join(outDir, 'openapi.json'), `${JSON.stringify(toOpenApi(catalog), null, 2)}\n`);
  writeFileSync(join(outDir, 'index.html'), await renderCatalogPage(catalog));
  const endpoints = catalog.services.reduce((n, s) => n + s.endpoints.length, 0);
  logger.info(`Wrote the catalog of ${appName} (${catalog.services.length} services, ${endpoints} endpoints) to ${relative(context.root, outDir)}: catalog.json, openapi.json, index.html.`);
  return { success: true };
}
