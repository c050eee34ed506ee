// Tests beside the code. ts-jest only transpiles (isolatedModules): `tsc --noEmit -p .` checks the types.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/apps"],
  transform: { "^.+\\.ts$": "ts-jest" },
  moduleFileExtensions: ["ts", "js", "json"],
};
