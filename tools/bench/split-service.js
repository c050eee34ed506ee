'use strict';
/**
 * The split-service benchmark: `node tools/bench/split-service.js`.
 *
 * Generates a workspace of 200 services and 2,000 endpoints (apps/big, one app with
 * `"services": "*"`) plus one plain library (libs/util), then measures in the same run:
 *
 *   split    `@topo/nx:split-service --from=svc-000 --endpoints=e0,...,e4 --name=svc-hot`,
 *            the five endpoints called through svc-000's client by 20 other services
 *   move     `@nx/workspace:move --projectName=util --destination=libs/shared/util`, the
 *            baseline: Nx's own generator over the same workspace
 *
 * Generator time is measured the same way for both: in this process, on an Nx `FsTree` of a
 * fresh copy of the workspace, from the generator call to the end of the generator (its
 * formatFiles included); writing the tree to disk (`flushChanges`) is not timed. Each runs
 * `--rounds` times (default 3), alternating, and the median counts. The whole CLI
 * (`npx nx g ... --no-interactive`, NX_DAEMON=false, cold: a fresh copy each) is run once per
 * generator for context. After every split, outside the timing, the workspace analysis must
 * see the new service and the 20 callers rewritten to its client, or the run fails.
 *
 * Target: split-service generator time under 3,000 ms. Results go to a JSON file in the OS
 * temp dir (its path is printed). Not a test: nothing here runs under `npm test`.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { readFlags, readRounds } = require('./lib/options');
const { git } = require('./lib/standalone');
const { table, heading, formatMs } = require('./lib/report');

process.env.NX_DAEMON = 'false';

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');
const SERVICES = 200;
const ENDPOINTS_PER_SERVICE = 10;
const CALLERS = 20;
const SOURCE = 'svc-000';
const MOVED = ['e0', 'e1', 'e2', 'e3', 'e4'];
const NEW_SERVICE = 'svc-hot';
const NEW_CLIENT = 'svcHot';
const LIBRARY = 'util';
const LIBRARY_DESTINATION = 'libs/shared/util';
const GOAL_MS = 3000;

const USAGE = `usage: node tools/bench/split-service.js [options]

  --rounds=N      in-process runs of each generator, alternating; the median counts
                  (BENCH_ROUNDS, default 3)
  --no-cli        skip the CLI wall-time runs (\`npx nx g ...\`)
  --typecheck     also run \`tsc --noEmit\` over the workspace after the first split
  --no-build      skip compiling packages/runtime and packages/nx before the run
  --keep          keep the generated workspace (its path is printed)
  --strict        exit 1 when the target is missed
`;

function parseOptions(argv, env) {
  const flags = readFlags(argv, ['rounds', 'no-cli', 'typecheck', 'no-build', 'keep', 'strict'], USAGE);
  if (!flags) return { help: true };
  const rounds = readRounds(flags, env, 3);
  return {
    help: false,
    rounds,
    cli: flags.get('no-cli') !== true,
    typecheck: flags.get('typecheck') === true,
    build: flags.get('no-build') !== true,
    keep: flags.get('keep') === true,
    strict: flags.get('strict') === true,
  };
}

// ---------------------------------------------------------------------------------------
// The generated workspace

const pad = (n) => String(n).padStart(3, '0');
const serviceName = (n) => `svc-${pad(n)}`;
const clientName = (n) => `svc${pad(n)}`;
/** Services svc-001 .. svc-020 call svc-000's e0..e4 (and e5, which stays). */
const isCaller = (n) => n >= 1 && n <= CALLERS;

function endpointsFile(n) {
  const name = serviceName(n);
  const lines = [`import { api } from '@topo/runtime';`];
  if (isCaller(n)) lines.push(`import { ${clientName(0)} } from '../${SOURCE}/client';`);
  // Outside the callers, each service calls its neighbour, so the workspace has client calls throughout.
  const neighbour = n > CALLERS + 1 ? n - 1 : undefined;
  if (neighbour !== undefined) lines.push(`import { ${clientName(neighbour)} } from '../${serviceName(neighbour)}/client';`);
  lines.push(
    '',
    `/** What every endpoint of ${name} answers. */`,
    'export interface Item {',
    '  id: string;',
    '  service: string;',
    '  score: number;',
    '}',
    '',
    `function makeItem(id: string, score: number): Item {`,
    `  return { id, service: '${name}', score: id.length * 10 + score };`,
    '}',
  );
  for (let k = 0; k < ENDPOINTS_PER_SERVICE; k++) {
    lines.push('');
    const options = `{ expose: true, method: 'GET', path: '/${name}/e${k}/:id' }`;
    if (k === ENDPOINTS_PER_SERVICE - 1 && isCaller(n)) {
      const c = clientName(0);
      lines.push(
        `export const e${k} = api(`,
        `  ${options},`,
        `  async ({ id }: { id: string }): Promise<Item> => {`,
        ...[...MOVED, 'e5'].map((e) => `    const ${e}Item = await ${c}.${e}({ id });`),
        `    return makeItem(id, ${[...MOVED, 'e5'].map((e) => `${e}Item.score`).join(' + ')});`,
        '  },',
        ');',
      );
    } else if (k === ENDPOINTS_PER_SERVICE - 1 && neighbour !== undefined) {
      lines.push(
        `export const e${k} = api(`,
        `  ${options},`,
        `  async ({ id }: { id: string }): Promise<Item> => makeItem(id, (await ${clientName(neighbour)}.e5({ id })).score),`,
        ');',
      );
    } else {
      lines.push(`export const e${k} = api(`, `  ${options},`, `  async ({ id }: { id: string }): Promise<Item> => makeItem(id, ${k}),`, ');');
    }
  }
  return lines.join('\n') + '\n';
}

/** The same shape as the `@topo/nx:service` generator's client module. */
function clientFile(n) {
  const name = serviceName(n);
  return [
    `import { client } from '@topo/runtime';`,
    `import type * as endpoints from './${name}';`,
    '',
    `/** Typed client of service \`${name}\`: \`await ${clientName(n)}.e0({ id: 'x' })\` from any other service. */`,
    `export const ${clientName(n)} = client<typeof endpoints>('${name}');`,
    '',
  ].join('\n');
}

function generateWorkspace(root) {
  const write = (file, text) => {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, typeof text === 'string' ? text : JSON.stringify(text, null, 2) + '\n');
  };
  write('package.json', { name: '@big/source', version: '0.0.0', private: true });
  write('nx.json', { plugins: ['@topo/nx'] });
  write('tsconfig.json', {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'commonjs',
      moduleResolution: 'node',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: [],
      baseUrl: '.',
      paths: { '@big/util': ['libs/util/index.ts'] },
    },
    include: ['apps/**/*.ts', 'libs/**/*.ts'],
  });
  fs.symlinkSync(path.join(WORKSPACE_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  write('apps/big/topo.json', { services: '*', port: 4000 });
  for (let n = 0; n < SERVICES; n++) {
    const dir = `apps/big/services/${serviceName(n)}`;
    write(`${dir}/service.ts`, `import { Service } from '@topo/runtime';\n\nexport default new Service('${serviceName(n)}');\n`);
    write(`${dir}/client.ts`, clientFile(n));
    write(`${dir}/${serviceName(n)}.ts`, endpointsFile(n));
  }
  write('libs/util/project.json', {
    name: LIBRARY,
    $schema: '../../node_modules/nx/schemas/project-schema.json',
    sourceRoot: 'libs/util',
    projectType: 'library',
    tags: [],
  });
  write('libs/util/index.ts', `/** Clamps a number into [low, high]. */\nexport function clamp(value: number, low: number, high: number): number {\n  return Math.min(high, Math.max(low, value));\n}\n`);
}

/** A fresh copy of the template at `target` (always the same path, so Nx's workspaceRoot holds). */
function freshCopy(template, target) {
  process.chdir(path.dirname(target));
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(template, target, { recursive: true, verbatimSymlinks: true });
  process.chdir(target);
}

// ---------------------------------------------------------------------------------------
// Measuring

const splitSchema = { from: SOURCE, endpoints: MOVED.join(','), name: NEW_SERVICE };
const moveSchema = { projectName: LIBRARY, destination: LIBRARY_DESTINATION, updateImportPath: true };

/** Runs one generator in process on an FsTree of `root`; times the generator only, then writes the tree. */
async function timeGenerator(generator, schema, root, nx) {
  const tree = new nx.FsTree(root, false);
  const start = performance.now();
  const callback = await generator(tree, schema);
  const ms = performance.now() - start;
  const changes = tree.listChanges();
  nx.flushChanges(root, changes);
  if (typeof callback === 'function') await callback();
  return { ms, changes: changes.length };
}

function cliWallTime(root, args) {
  const start = performance.now();
  const result = spawnSync('npx', ['nx', 'g', ...args, '--no-interactive'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' },
    encoding: 'utf8',
  });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`npx nx g ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return ms;
}

/** Fails loudly unless the analysis sees svc-hot with e0..e4 and the 20 callers calling it through its client. */
function verifySplit(root, analysis) {
  const { analyzeWorkspace, formatAnalysisErrors } = analysis;
  const result = analyzeWorkspace(root);
  const problems = [];
  if (result.errors.length > 0) problems.push(`analysis errors:\n${formatAnalysisErrors(result.errors)}`);
  const byName = new Map(result.services.map((s) => [s.name, s]));
  const created = byName.get(NEW_SERVICE);
  const source = byName.get(SOURCE);
  if (!created) problems.push(`the analysis does not see service "${NEW_SERVICE}"`);
  else {
    const names = created.endpoints.map((e) => e.exportName).sort();
    if (names.join() !== MOVED.join()) problems.push(`"${NEW_SERVICE}" has endpoints ${names.join(', ') || 'none'}, expected ${MOVED.join(', ')}`);
  }
  if (!source) problems.push(`the analysis no longer sees service "${SOURCE}"`);
  else {
    const left = source.endpoints.map((e) => e.exportName);
    const stillThere = left.filter((e) => MOVED.includes(e));
    if (stillThere.length > 0) problems.push(`"${SOURCE}" still has ${stillThere.join(', ')}`);
  }
  if (result.services.length !== SERVICES + 1) problems.push(`the analysis sees ${result.services.length} services, expected ${SERVICES + 1}`);
  let rewritten = 0;
  for (let n = 1; n <= CALLERS; n++) {
    const caller = byName.get(serviceName(n));
    if (!caller) {
      problems.push(`caller ${serviceName(n)} is missing`);
      continue;
    }
    const toNew = new Set(caller.calls.filter((c) => c.to === NEW_SERVICE).map((c) => c.endpoint));
    const toOldMoved = caller.calls.filter((c) => c.to === SOURCE && MOVED.includes(c.endpoint));
    const files = [...new Set(caller.calls.filter((c) => c.to === NEW_SERVICE).map((c) => c.file))];
    const mentionsClient = files.some((file) => fs.readFileSync(path.join(root, file), 'utf8').includes(`${NEW_CLIENT}.`));
    const stillCallsE5 = caller.calls.some((c) => c.to === SOURCE && c.endpoint === 'e5');
    if (MOVED.every((e) => toNew.has(e)) && toOldMoved.length === 0 && mentionsClient && stillCallsE5) rewritten++;
    else
      problems.push(
        `caller ${serviceName(n)} not rewritten: calls ${NEW_SERVICE} for [${[...toNew].join(', ')}], ${SOURCE} for moved [${toOldMoved.map((c) => c.endpoint).join(', ')}]` +
          `${mentionsClient ? '' : `, no "${NEW_CLIENT}." in its files`}${stillCallsE5 ? '' : `, lost its ${SOURCE}.e5 call`}`,
      );
  }
  if (problems.length > 0) throw new Error(`the split is wrong in ${root}:\n  - ${problems.join('\n  - ')}`);
  return { services: result.services.length, rewrittenCallers: rewritten };
}

function verifyMove(root) {
  const moved = fs.existsSync(path.join(root, LIBRARY_DESTINATION, 'project.json')) && fs.existsSync(path.join(root, LIBRARY_DESTINATION, 'index.ts'));
  const gone = !fs.existsSync(path.join(root, 'libs/util/index.ts'));
  if (!moved || !gone) throw new Error(`the move is wrong in ${root}: ${LIBRARY_DESTINATION} ${moved ? 'exists' : 'is missing'}, libs/util ${gone ? 'is gone' : 'is still there'}`);
}

function typecheck(root) {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [WORKSPACE_ROOT] });
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', root], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the workspace does not typecheck after the split:\n${result.stdout}${result.stderr}`);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (line) => process.stdout.write(`  ${line}\n`);
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--', 'packages') !== '';
  const cpus = os.cpus();
  const machine = {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    commit,
    dirty,
  };
  process.stdout.write(
    `topo benchmark: split-service\n` +
      `  ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, ${machine.platform}; commit ${commit}${dirty ? ' (uncommitted changes)' : ''}\n` +
      `  ${SERVICES} services, ${SERVICES * ENDPOINTS_PER_SERVICE} endpoints; ${options.rounds} in-process round(s) per generator, median counts\n`,
  );

  if (options.build) {
    log('compiling packages/runtime and packages/nx ...');
    const tsc = require.resolve('typescript/bin/tsc', { paths: [WORKSPACE_ROOT] });
    const built = spawnSync(process.execPath, [tsc, '-b', 'packages/runtime/tsconfig.lib.json', 'packages/nx/tsconfig.lib.json'], { cwd: WORKSPACE_ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('compiling packages/runtime and packages/nx failed (see above); fix it or pass --no-build');
  }

  let workspaceVersion;
  try {
    workspaceVersion = require(require.resolve('@nx/workspace/package.json', { paths: [WORKSPACE_ROOT] })).version;
  } catch {
    workspaceVersion = undefined;
  }
  if (!workspaceVersion) log('@nx/workspace is not installed: the move baseline is skipped (the root needs @nx/workspace@23.2.1 as a devDependency)');
  else log(`@nx/workspace ${workspaceVersion}`);

  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-split-')));
  const template = path.join(base, 'template');
  const ws = path.join(base, 'ws');
  const cleanup = () => {
    if (!options.keep) fs.rmSync(base, { recursive: true, force: true });
  };
  try {
    log(`generating the workspace in ${template} ...`);
    generateWorkspace(template);
    // Nx reads its workspace root from the working directory once, when first loaded:
    // every copy is made at the same path, and the working directory is that copy.
    freshCopy(template, ws);
    const nx = require(require.resolve('nx/src/generators/tree', { paths: [WORKSPACE_ROOT] }));
    const analysis = require(path.join(WORKSPACE_ROOT, 'packages', 'nx', 'dist', 'analysis'));
    const { splitServiceGenerator } = require(path.join(WORKSPACE_ROOT, 'packages', 'nx', 'dist', 'generators', 'split-service', 'split-service'));
    const moveGenerator = workspaceVersion
      ? require(require.resolve('@nx/workspace', { paths: [WORKSPACE_ROOT] })).moveGenerator
      : undefined;

    const before = analysis.analyzeWorkspace(ws);
    if (before.errors.length > 0) throw new Error(`the generated workspace has analysis errors:\n${analysis.formatAnalysisErrors(before.errors)}`);
    const endpoints = before.services.reduce((sum, s) => sum + s.endpoints.length, 0);
    const callers = new Set(before.services.flatMap((s) => s.calls.filter((c) => c.to === SOURCE && MOVED.includes(c.endpoint)).map((c) => c.from)));
    if (before.services.length !== SERVICES || endpoints !== SERVICES * ENDPOINTS_PER_SERVICE || callers.size !== CALLERS) {
      throw new Error(`the generated workspace is off: ${before.services.length} services, ${endpoints} endpoints, ${callers.size} callers of ${SOURCE}'s moved endpoints`);
    }
    log(`analysis sees ${before.services.length} services, ${endpoints} endpoints, ${callers.size} services calling ${SOURCE}.${MOVED.join('/')}`);

    const split = [];
    const move = [];
    let checked;
    for (let round = 1; round <= options.rounds; round++) {
      freshCopy(template, ws);
      const s = await timeGenerator(splitServiceGenerator, splitSchema, ws, nx);
      checked = verifySplit(ws, analysis);
      if (round === 1 && options.typecheck) {
        log('typechecking the split workspace ...');
        typecheck(ws);
      }
      split.push(s.ms);
      log(`round ${round}: split-service ${formatMs(s.ms)} ms (${s.changes} files changed; ${checked.rewrittenCallers} callers rewritten)`);
      if (moveGenerator) {
        freshCopy(template, ws);
        const m = await timeGenerator(moveGenerator, moveSchema, ws, nx);
        verifyMove(ws);
        move.push(m.ms);
        log(`round ${round}: move ${formatMs(m.ms)} ms (${m.changes} files changed)`);
      }
    }

    const cli = { split: undefined, move: undefined };
    const splitArgs = ['@topo/nx:split-service', `--from=${SOURCE}`, `--endpoints=${MOVED.join(',')}`, `--name=${NEW_SERVICE}`];
    const moveArgs = ['@nx/workspace:move', `--projectName=${LIBRARY}`, `--destination=${LIBRARY_DESTINATION}`];
    if (options.cli) {
      freshCopy(template, ws);
      log(`CLI: npx nx g ${splitArgs.join(' ')} --no-interactive ...`);
      cli.split = cliWallTime(ws, splitArgs);
      verifySplit(ws, analysis);
      if (moveGenerator) {
        freshCopy(template, ws);
        log(`CLI: npx nx g ${moveArgs.join(' ')} --no-interactive ...`);
        cli.move = cliWallTime(ws, moveArgs);
        verifyMove(ws);
      }
    }

    const splitMs = median(split);
    const moveMs = move.length > 0 ? median(move) : undefined;
    const pass = splitMs < GOAL_MS;
    const rounds = (values) => values.map((v) => formatMs(v)).join(', ');
    process.stdout.write(
      heading('split-service vs @nx/workspace:move, same workspace, same run') +
        '\n' +
        table(
          ['generator', 'generator ms (median)', 'rounds ms', 'CLI wall ms (once, cold)'],
          [
            [`split-service (${MOVED.length} endpoints, ${CALLERS} caller services)`, formatMs(splitMs), rounds(split), options.cli ? formatMs(cli.split) : 'skipped'],
            moveGenerator
              ? [`@nx/workspace:move (one library)`, formatMs(moveMs), rounds(move), options.cli ? formatMs(cli.move) : 'skipped']
              : ['@nx/workspace:move', 'skipped: @nx/workspace not installed', '', ''],
          ],
          ['left', 'right', 'left', 'right'],
        ) +
        '\n\n' +
        table(
          ['target', 'value', 'goal', 'result'],
          [['split-service generator time', `${formatMs(splitMs)} ms`, `< ${GOAL_MS} ms`, pass ? 'PASS' : 'MISS']],
        ) +
        '\n' +
        (moveMs ? `  split-service / move: ${(splitMs / moveMs).toFixed(2)}×\n` : ''),
    );

    const summary = {
      date: new Date().toISOString(),
      machine,
      workspace: { services: SERVICES, endpoints: SERVICES * ENDPOINTS_PER_SERVICE, callerServices: CALLERS, moved: MOVED, from: SOURCE, name: NEW_SERVICE },
      commands: { split: `nx g ${splitArgs.join(' ')}`, move: `nx g ${moveArgs.join(' ')}` },
      generatorMs: {
        split: { median: round2(splitMs), rounds: split.map(round2) },
        move: moveMs === undefined ? null : { median: round2(moveMs), rounds: move.map(round2), nxWorkspace: workspaceVersion },
      },
      cliWallMs: { split: round2(cli.split), move: round2(cli.move) },
      targets: [{ name: 'split-service generator time', value: round2(splitMs), comparison: '<', goal: GOAL_MS, pass }],
      missed: pass ? [] : ['split-service generator time'],
    };
    const file = path.join(os.tmpdir(), `topo-bench-split-service-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
    process.stdout.write(`\nresults: ${file}\n`);
    if (options.keep) process.stdout.write(`workspace kept: ${ws} (template: ${template})\n`);
    return options.strict && !pass ? 1 : 0;
  } finally {
    process.chdir(WORKSPACE_ROOT);
    cleanup();
  }
}

function round2(value) {
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : null;
}

module.exports = { generateWorkspace, SERVICES, ENDPOINTS_PER_SERVICE };

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      if (process.env.BENCH_DEBUG) process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
