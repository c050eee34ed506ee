// Every e2e test and hook installs packages or starts servers. Set here rather than as
// `testTimeout` in jest.config.ts: that option is global, so the root config, which runs
// every project, would ignore it.
jest.setTimeout(15 * 60 * 1000);
