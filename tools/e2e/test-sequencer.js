// The order of the root config's run: Jest's own (files that failed last time first, then
// the slowest by the last run's times, else the largest), with the e2e specs last. Every
// e2e spec waits for the workspace that the e2e global setup prepares in the background
// (create-nx-workspace, then Topo installed and initialised: about a minute on a quiet
// machine, minutes on a busy one); started first, as the slowest files, they would leave
// both workers waiting while those few processes run.
// Last, they find it ready, and the two longest run side by side at the end.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const E2E_SPECS = path.join(__dirname, 'src') + path.sep;

class TopoTestSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const isE2e = (test) => test.path.startsWith(E2E_SPECS);
    return [...sorted.filter((test) => !isE2e(test)), ...sorted.filter(isE2e)];
  }
}

module.exports = TopoTestSequencer;
