import { names } from '@nx/devkit';
import { posix } from 'node:path';
import { SPLIT_HOST_COMMENT } from '../../../analysis';
import { freshName } from '../../utils/identifiers';
import { moduleSpecifier } from '../../utils/specifiers';

/** A service a test has to host in its own process after the split, and its typed endpoints. */
export interface TestHostedService {
  service: string;
  /** Workspace-relative service.ts, whose default export is the Service. */
  serviceFile: string;
  /** The typed endpoints, by export name, with the module that exports each. */
  endpoints: { name: string; module: string }[];
}

/**
 * What a test file needs to host services in its own process, as the monolith does: code
 * under test whose direct call became a client call (`yo.h2(x)`) still runs in-process in
 * a test, without a server. The setup registers the services with `createHost({ register:
 * true })` from `@topo/runtime/host` and closes the host after the tests.
 *
 * @example
 * const { imports, setup } = testHosting('apps/api/services/hello/hello.spec.ts', [yoHosted], '', taken, false);
 */
export function testHosting(
  module: string,
  services: readonly TestHostedService[],
  importExtension: '' | '.js',
  taken: ReadonlySet<string>,
  vitest: boolean,
  /** The local name the test imports an endpoint by already (from its module after the split), if it does. */
  importedAs: (file: string, name: string) => string | undefined = () => undefined,
): { imports: string[]; entries: string[]; setup: string } {
  const used = new Set(taken);
  const fresh = (base: string) => freshName(base, used);
  const createHost = fresh('createHost');
  const imports = [
    `import { createHost${createHost === 'createHost' ? '' : ` as ${createHost}`} } from '@topo/runtime/host';`,
    ...(vitest && !taken.has('afterAll') ? [`import { afterAll } from 'vitest';`] : []),
  ];
  const hosted: string[] = [];
  for (const service of services) {
    const base = names(service.service).propertyName;
    const serviceName = fresh(`${base}Service`);
    imports.push(`import ${serviceName} from '${moduleSpecifier(module, service.serviceFile, importExtension)}';`);
    // An endpoint the test imports already is named as it is; the others through a namespace
    // import of their module (one per module, named after it).
    const modules = new Map<string, string>();
    const endpoints = service.endpoints.map(({ name, module: file }) => {
      const local = importedAs(file, name);
      if (local) return `{ name: '${name}', endpoint: ${local} }`;
      let alias = modules.get(file);
      if (!alias) {
        const stem = posix.basename(file).replace(/\.[cm]?tsx?$/, '');
        alias = fresh(`${stem === 'index' ? base : names(stem).propertyName}Endpoints`);
        modules.set(file, alias);
        imports.push(`import * as ${alias} from '${moduleSpecifier(module, file, importExtension)}';`);
      }
      return `{ name: '${name}', endpoint: ${alias}.${name} }`;
    });
    hosted.push(`{ service: ${serviceName}, endpoints: [${endpoints.join(', ')}] }`);
  }
  const host = fresh('splitHost');
  const quoted = services.map((s) => `"${s.service}"`).join(' and ');
  const setup = [
    `${SPLIT_HOST_COMMENT} ${quoted} through ${services.length > 1 ? 'their clients' : 'its client'}: host ${services.length > 1 ? 'them' : 'it'} in this process, as the monolith does.`,
    `const ${host} = ${createHost}({`,
    `  app: 'test',`,
    `  process: 'test',`,
    `  edge: false,`,
    `  register: true,`,
    `  services: [`,
    ...hosted.map((entry) => `    ${entry},`),
    `  ],`,
    `});`,
    `afterAll(() => ${host}.close());`,
  ].join('\n');
  return { imports, entries: hosted, setup };
}
