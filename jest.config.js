/**
 * One jest run covers the connector (TypeScript, Node environment) and the Lightning
 * Web Components (jsdom, with the Salesforce LWC preset).
 */
const { jestConfig: lwcJestConfig } = require('@salesforce/sfdx-lwc-jest/config');

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
      transform: { '^.+\\.ts$': swcTransform, '/node_modules/cookie/.+\\.js$': swcTransform },
      // light-my-request (fastify's inject) requires cookie 2, which ships only as an ES
      // module; swc turns it into CommonJS for jest.
      transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
    },
    {
      // Lightning Web Components: jsdom with the sfdx-lwc-jest preset, which stubs the
      // lightning-* base components and resolves c/* modules from force-app.
      ...lwcJestConfig,
      displayName: 'lwc',
      rootDir: __dirname,
      roots: ['<rootDir>/force-app'],
      testMatch: ['**/lwc/**/__tests__/**/*.test.js'],
    },
  ],
};
