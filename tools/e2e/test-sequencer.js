// The order of the root config's run: Jest's own (files that failed last time first, then
// the slowest by the last run's times, else the largest), with the e2e specs moved back.
// Every e2e spec waits for the workspace that the e2e global setup makes in the background
// (create-nx-workspace, 30 to 60 s): started first, as the slowest files, they would leave
// both workers waiting while that one process runs. So other files go first: two, and then
// more while the last run's times say they keep both workers busy for less than that.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const E2E_SPECS = path.join(__dirname, 'src') + path.sep;
/** How long create-nx-workspace takes, for both workers together. */
const HEAD_START_MS = 2 * 45_000;

class TopoTestSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const isE2e = (test) => test.path.startsWith(E2E_SPECS);
    const others = sorted.filter((test) => !isE2e(test));
    let first = 0;
    let ahead = 0;
    while (first < others.length && (first < 2 || (ahead < HEAD_START_MS && others[first].duration != null))) {
      ahead += others[first].duration ?? 0;
      first += 1;
    }
    return [...others.slice(0, first), ...sorted.filter(isE2e), ...others.slice(first)];
  }
}

module.exports = TopoTestSequencer;
