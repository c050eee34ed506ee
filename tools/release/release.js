// `npm run release`: installable, versioned tarballs of @topo/runtime and @topo/nx in
// dist/packages/ (topo-runtime-<version>.tgz, topo-nx-<version>.tgz), built from the
// sources as they are now. Install them into a workspace with
//   npm install -D <path>/topo-runtime-<version>.tgz
//   npx nx add @topo/nx@file:<path>/topo-nx-<version>.tgz   (installs the plugin, runs its init)
//
//   node tools/release/release.js [--out <folder>]   (default dist/packages)
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
/** Dependencies first: @topo/nx depends on @topo/runtime at the same version. */
const PACKAGES = ['packages/runtime', 'packages/nx'];
const RUNTIME = '@topo/runtime';

function main(argv) {
  const out = path.resolve(ROOT, parseOut(argv));
  const manifests = PACKAGES.map((dir) => readManifest(dir));
  checkVersions(manifests);
  for (const dir of PACKAGES) checkPackageFiles(dir);
  build();
  fs.mkdirSync(out, { recursive: true });
  const tarballs = PACKAGES.map((dir) => pack(dir, out));
  const [runtime, nx] = tarballs.map(shown);
  for (const tarball of [runtime, nx]) console.log(`release: ${tarball}`);
  console.log(`release: in a workspace, npm install -D ${runtime}, then npx nx add @topo/nx@file:${nx}`);
}

/** A tarball as a user would type it from here: `./dist/packages/…` below this folder, else its absolute path. */
function shown(tarball) {
  const relative = path.relative(process.cwd(), tarball);
  return relative.startsWith('..') || path.isAbsolute(relative) ? tarball : `./${relative}`;
}

function parseOut(argv) {
  const index = argv.indexOf('--out');
  if (index === -1) return path.join('dist', 'packages');
  const value = argv[index + 1];
  if (!value || value.startsWith('--')) fail('--out needs a folder, such as --out dist/packages.');
  return value;
}

function readManifest(dir) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
}

/** Both packages ship together: one version, and @topo/nx asks for exactly that @topo/runtime. */
function checkVersions([runtime, nx]) {
  if (runtime.version !== nx.version) {
    fail(`packages/runtime is at ${runtime.version} and packages/nx at ${nx.version}; give both package.json files the same version.`);
  }
  const wanted = nx.dependencies && nx.dependencies[RUNTIME];
  if (wanted !== runtime.version) {
    fail(`packages/nx/package.json depends on ${RUNTIME} ${wanted ?? '(none)'}, not ${runtime.version}; set it to "${runtime.version}".`);
  }
}

function checkPackageFiles(dir) {
  for (const file of ['README.md', 'LICENSE']) {
    if (!fs.existsSync(path.join(ROOT, dir, file))) fail(`${dir}/${file} is missing; every package ships its README.md and LICENSE.`);
  }
}

/**
 * `tsc -b` of both packages, then the compiled files whose source is gone are removed, so
 * that the tarballs hold exactly what the sources compile to.
 */
function build() {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  try {
    execFileSync(process.execPath, [tsc, '-b', ...PACKAGES.map((dir) => `${dir}/tsconfig.lib.json`)], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    fail('tsc -b of the packages failed (errors above); nothing was packed. Fix them, then run npm run release again.');
  }
  for (const dir of PACKAGES) removeOrphans(path.join(ROOT, dir, 'dist'), path.join(ROOT, dir, 'src'));
}

function removeOrphans(distDir, srcDir) {
  for (const entry of fs.readdirSync(distDir, { withFileTypes: true })) {
    const distPath = path.join(distDir, entry.name);
    if (entry.isDirectory()) {
      if (!fs.existsSync(path.join(srcDir, entry.name))) fs.rmSync(distPath, { recursive: true, force: true });
      else removeOrphans(distPath, path.join(srcDir, entry.name));
      continue;
    }
    const stem = entry.name.match(/^(.*)\.(?:js|js\.map|d\.ts|d\.ts\.map)$/);
    if (stem && !fs.existsSync(path.join(srcDir, `${stem[1]}.ts`))) fs.rmSync(distPath);
  }
}

function pack(dir, out) {
  const stdout = execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: path.join(ROOT, dir),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [{ filename }] = JSON.parse(stdout);
  return path.join(out, path.basename(filename));
}

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

main(process.argv.slice(2));
