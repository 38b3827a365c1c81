import type { Config } from 'jest';

/**
 * One Jest run, three projects: `unit` (pure logic and React hooks, no I/O),
 * `integration` (real chat service, real database, real WebSockets on loopback)
 * and `browser` (real headless Chromium against the real app).
 */

// Packages published only as ES modules must be transformed for Jest's CommonJS runtime.
// (markdown-to-jsx ships a CommonJS build: it needs no entry.)
const esmPackages = ['jose', 'idb-keyval', 'nanoid', 'streaming-markdown'];

const swc: Config['transform'] = {
  '^.+\\.(t|j|mj)sx?$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', tsx: true },
        transform: { react: { runtime: 'automatic' } },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

const moduleNameMapper: Config['moduleNameMapper'] = {
  '^@confab/([a-z-]+)$': '<rootDir>/libs/$1/index.ts',
  '^@confab/([a-z-]+)/server$': '<rootDir>/libs/$1/server.ts',
  '^@/(.*)$': '<rootDir>/$1',
  '\\.(css)$': '<rootDir>/tests/support/style-stub.ts',
  // Published with an `import` export condition only, which Jest's CommonJS resolver does not take.
  '^streaming-markdown$': '<rootDir>/node_modules/streaming-markdown/smd.js',
};

const shared = {
  transform: swc,
  moduleNameMapper,
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  testPathIgnorePatterns: ['/node_modules/', '/.next/'],
};

const config: Config = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/libs/**/*.test.ts?(x)', '<rootDir>/app/**/*.test.ts?(x)', '<rootDir>/tests/unit/**/*.test.ts?(x)'],
    },
    {
      ...shared,
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      slowTestThreshold: 30,
    },
    {
      ...shared,
      displayName: 'browser',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/browser/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/browser/support/global-teardown.ts',
    },
  ],
};

export default config;
