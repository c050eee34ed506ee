// Runs npm scripts of the root package.json side by side, each with its output held until it
// ends, so that two checks that use one core each (tsc, eslint) keep both cores busy without
// interleaving their reports. Fails, after all have ended, if any failed.
//
//   node tools/side-by-side.js typecheck:specs typecheck:catalog-page lint
const { spawn } = require('node:child_process');
const path = require('node:path');

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('Usage: node tools/side-by-side.js <npm script>...');
  process.exit(2);
}

/** Runs `npm run <script>`; resolves with its exit code and everything it printed. */
function run(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script], { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ script, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ script, code: code ?? 1, signal, output }));
  });
}

(async () => {
  const results = await Promise.all(
    scripts.map(async (script) => {
      const started = Date.now();
      const result = await run(script);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const outcome = result.code === 0 ? 'passed' : `failed (${result.signal ?? `exit ${result.code}`})`;
      process.stdout.write(`> npm run ${script}: ${outcome} in ${seconds} s\n${result.output}`);
      return result;
    }),
  );
  process.exitCode = results.some((result) => result.code !== 0) ? 1 : 0;
})();
