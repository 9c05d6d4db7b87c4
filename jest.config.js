/**
 * One jest run covers the connector (TypeScript, Node environment) and the Lightning
 * Web Components (jsdom, with the Salesforce LWC preset).
 */
const swcTransform = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  projects: [
    {
      displayName: 'connector',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': swcTransform },
    },
  ],
};
