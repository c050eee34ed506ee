'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { WORKSPACE_ROOT } = require('./options');

/**
 * Runs a benchmark script as a command of its own (`node tools/bench/<slug>.js [options]`):
 * reads its options, prints the machine and the commit, compiles the packages unless
 * `--no-build`, runs it, prints what `render` makes of the result, keeps the result as JSON
 * in the OS temp dir, and exits 1 when `--strict` and a target is missed (1 on an error too).
 *
 * @example
 * if (require.main === module) runStandalone({ title: 'catalog', slug: 'catalog', usage: USAGE, parseOptions, run, render });
 */
function runStandalone({ title, slug, usage, parseOptions, run, render }) {
  main({ title, slug, usage, parseOptions, run, render }).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      if (process.env.BENCH_DEBUG) process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}

async function main({ title, slug, usage, parseOptions, run, render }) {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(usage);
    return 0;
  }
  const log = (line) => process.stdout.write(`  ${line}\n`);
  process.stdout.write(`topo benchmark: ${title}\n  ${machineLine()}\n`);
  if (options.build) {
    log('compiling packages/runtime and packages/nx ...');
    require('./demo').buildPackages(WORKSPACE_ROOT);
  }
  const result = await run(options, log);
  process.stdout.write(`${render(result)}\n`);
  const file = path.join(os.tmpdir(), `topo-bench-${slug}-${Date.now()}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`);
  process.stdout.write(`\nresults: ${file}\n`);
  return options.strict && result.targets.some((t) => !t.pass) ? 1 : 0;
}

/** The cores, CPU model, node, OS and commit the figures were measured with. */
function machineLine() {
  const cpus = os.cpus();
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length;
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--', 'packages') ? ' (uncommitted changes)' : '';
  return `${cores} × ${cpus[0]?.model?.trim() ?? 'unknown'}, node ${process.version}, ${os.platform()} ${os.release()}; commit ${commit}${dirty}`;
}

/** A git command's output in the repository, or '' when git cannot answer. */
function git(...args) {
  try {
    return execFileSync('git', args, { cwd: WORKSPACE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

module.exports = { runStandalone, git };
