import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const RELEASE = path.join(__dirname, 'release.js');

function manifestOf(dir: string): { name: string; version: string; license: string; dependencies: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
}

/** The files of a tarball, without npm's `package/` prefix. */
function filesOf(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((file) => file.replace(/^package\//, ''));
}

function packedManifest(tarball: string): ReturnType<typeof manifestOf> {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

describe('npm run release', () => {
  const runtime = manifestOf('packages/runtime');
  const nx = manifestOf('packages/nx');
  let out: string;
  let output: string;

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-release-'));
    output = execFileSync(process.execPath, [RELEASE, '--out', out], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }, 180_000);

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('writes one versioned tarball per package, and says how to install them', () => {
    expect(fs.readdirSync(out).sort()).toEqual([`topo-nx-${nx.version}.tgz`, `topo-runtime-${runtime.version}.tgz`]);
    // Outside the folder it runs in, the tarballs are named by their absolute paths.
    expect(output).toContain(
      `npm install -D ${path.join(out, `topo-runtime-${runtime.version}.tgz`)}, then npx nx add @topo/nx@file:${path.join(out, `topo-nx-${nx.version}.tgz`)}`,
    );
  });

  it.each([
    ['@topo/runtime', 'topo-runtime', 'dist/index.js'],
    ['@topo/nx', 'topo-nx', 'dist/plugins/plugin.js'],
  ])('packs %s with its README, LICENSE and compiled code, and no specs', (name, file, entry) => {
    const tarball = path.join(out, `${file}-${runtime.version}.tgz`);
    const files = filesOf(tarball);

    expect(packedManifest(tarball)).toMatchObject({ name, version: runtime.version, license: 'MIT' });
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', entry, entry.replace(/\.js$/, '.d.ts')]));
    expect(files.filter((f) => /\.(spec|test)\.[jt]s$/.test(f) || f.includes('__fixtures__') || f.endsWith('.tsbuildinfo'))).toEqual([]);
    expect(execFileSync('tar', ['-xzOf', tarball, 'package/LICENSE'], { encoding: 'utf8' })).toMatch(/^MIT License/);
  });

  it("packs @topo/nx with its generators' schemas and templates, and its dependency on the same @topo/runtime", () => {
    const tarball = path.join(out, `topo-nx-${nx.version}.tgz`);
    const files = filesOf(tarball);

    expect(packedManifest(tarball).dependencies['@topo/runtime']).toBe(runtime.version);
    expect(files).toEqual(
      expect.arrayContaining([
        'generators.json',
        'executors.json',
        'src/generators/init/schema.json',
        'src/generators/service/files/client.ts__tmpl__',
        'dist/generators/init/init.js',
      ]),
    );
  });

  it('refuses a folder that is not given', () => {
    let message = '';
    try {
      execFileSync(process.execPath, [RELEASE, '--out'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      message = String((error as { stderr: string }).stderr);
    }
    expect(message).toBe('release: --out needs a folder, such as --out dist/packages.\n');
  });
});
