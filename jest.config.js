/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 120000,
  // builds the shared fixture lake once (test/support/fixture-lake.ts); cached under .lake-test/ by input hash
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
