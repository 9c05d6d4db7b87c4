// Builds the FlowBuilder harness (flow-builder-harness/) with the shared harness build.
// The stand-in imports the connector's flow validator, which is TypeScript: swc strips
// the types, and extensionless relative imports from TypeScript resolve to .ts files.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';
import { buildHarness } from './support/build.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const HARNESS = join(HERE, 'flow-builder-harness');

/** @returns {import('rollup').Plugin} */
function typescript() {
  return {
    name: 'keyroute-typescript',
    resolveId(source, importer) {
      if (!importer?.endsWith('.ts') && !importer?.endsWith('flowBuilderStandIn.js')) {
        return null;
      }
      if (!source.startsWith('.')) {
        return null;
      }
      const candidate = `${resolve(dirname(importer), source)}.ts`;
      return existsSync(candidate) ? candidate : null;
    },
    transform(code, id) {
      if (!id.endsWith('.ts')) {
        return null;
      }
      const output = transformSync(code, {
        filename: id,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      });
      return { code: output.code, map: null };
    },
  };
}

/** Builds the FlowBuilder harness page into outputDir; returns the Apex imports mapped to the stand-in. */
export function buildFlowBuilderHarness(outputDir) {
  return buildHarness(outputDir, {
    harnessDir: HARNESS,
    standIn: join(HARNESS, 'flowBuilderStandIn.js'),
    modules: [
      { name: 'lightning/navigation', path: join(HARNESS, 'navigation.js') },
      { name: 'lightning/recordPicker', path: join(HARNESS, 'recordPicker', 'recordPicker.js') },
    ],
    plugins: [typescript()],
  });
}
