import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import salesforceLwcRecommended from '@salesforce/eslint-config-lwc/recommended.js';
import jestPlugin from 'eslint-plugin-jest';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'connector/dist/**', 'coverage/**', 'out/**', 'test-artifacts/**', '.keyroute/**', '.sf/**', '.sfdx/**'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // Lightning Web Components in the Salesforce package: the Salesforce recommended rules
  // (LWC, security and Lightning platform rules).
  {
    files: ['force-app/**/lwc/**/*.js'],
    extends: [salesforceLwcRecommended],
  },
  // Stand-in components of the browser harnesses are Lightning Web Components too.
  {
    files: ['test/salesforce-browser/**/recordPicker/*.js'],
    extends: [salesforceLwcRecommended],
  },
  // LWC Jest tests run in Node with jest globals.
  {
    files: ['force-app/**/lwc/**/__tests__/**/*.js'],
    extends: [jestPlugin.configs['flat/recommended']],
    languageOptions: {
      globals: { ...globals.node, ...jestPlugin.environments.globals.globals },
    },
    rules: {
      '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off',
    },
  },
);
