import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A workspace on disk for a test: write files into it, remove it afterwards. */
export interface TempWorkspace {
  root: string;
  write(files: Record<string, string>): void;
  remove(): void;
}

export function createTempWorkspace(files: Record<string, string> = {}): TempWorkspace {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'topo-nx-')));
  const workspace: TempWorkspace = {
    root,
    write(more) {
      for (const [file, content] of Object.entries(more)) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), content);
      }
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  workspace.write(files);
  return workspace;
}

/** `service.ts` declaring `name`. */
export function serviceFile(name: string): string {
  return `import { Service } from '@topo/runtime';\n\nexport default new Service('${name}');\n`;
}

/** The client module of service `name` whose endpoints live in `./<module>`. */
export function clientFile(name: string, module = name): string {
  return [
    `import { client } from '@topo/runtime';`,
    `import type * as endpoints from './${module}';`,
    `export const ${name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())} = client<typeof endpoints>('${name}');`,
    '',
  ].join('\n');
}
