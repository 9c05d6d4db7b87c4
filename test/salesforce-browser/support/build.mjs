import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import lwc from '@lwc/rollup-plugin';
import nodeResolve from '@rollup/plugin-node-resolve';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPOSITORY_ROOT = join(HERE, '..', '..', '..');
const LWC_FOLDER = join(REPOSITORY_ROOT, 'force-app', 'main', 'default', 'lwc');
const HARNESS = join(HERE, '..', 'harness');

/** Collects every `@salesforce/apex/Class.method` import in the package's components. */
function apexImports() {
  const found = new Set();
  for (const bundle of readdirSync(LWC_FOLDER)) {
    const module = join(LWC_FOLDER, bundle, `${bundle}.js`);
    let source;
    try {
      source = readFileSync(module, 'utf8');
    } catch {
      continue;
    }
    for (const match of source.matchAll(/from '(@salesforce\/apex\/\w+\.\w+)'/g)) {
      found.add(match[1]);
    }
  }
  return [...found].sort();
}

// Writes one module per Apex method that re-exports the stand-in's function of that name,
// so that each import maps to a local module as the LWC module resolver expects.
function writeApexModules(folder, standIn) {
  mkdirSync(folder, { recursive: true });
  return apexImports().map((name) => {
    const method = name.split('.').pop();
    const path = join(folder, `${name.replace('@salesforce/apex/', '')}.js`);
    writeFileSync(path, `export { ${method} as default } from ${JSON.stringify(standIn)};\n`);
    return { name, path };
  });
}

// Replaces build-time flags that the LWC engine and the base components read and no
// browser defines.
/** @returns {import('rollup').Plugin} */
function replaceBuildFlags() {
  return {
    name: 'keyroute-replace-build-flags',
    transform(code) {
      if (!code.includes('import.meta.env.SSR') && !code.includes('process.env.NODE_ENV')) {
        return null;
      }
      return {
        code: code.replaceAll('import.meta.env.SSR', 'false').replaceAll('process.env.NODE_ENV', '"production"'),
        map: null,
      };
    },
  };
}

/**
 * Builds the harness page with the Integrations and Admin Settings pages into outputDir,
 * with LWC OSS, the lightning-base-components alpha and the SLDS stylesheet. Returns the
 * Apex imports that were mapped to the stand-in.
 *
 * Another harness folder can replace the default one: `harnessDir` holds its main.js and
 * index.html, `standIn` exports one function per Apex method, `modules` maps further
 * module names to files, and `plugins` adds rollup plugins.
 */
export async function buildHarness(outputDir, options = {}) {
  const harnessDir = options.harnessDir ?? HARNESS;
  const standIn = options.standIn ?? join(HARNESS, 'connectorStandIn.js');
  const apexModules = writeApexModules(join(outputDir, '.apex'), standIn);
  const componentModules = readdirSync(LWC_FOLDER).map((bundle) => ({
    name: `c/${bundle}`,
    path: join(LWC_FOLDER, bundle, `${bundle}.js`),
  }));

  const bundle = await rollup({
    input: join(harnessDir, 'main.js'),
    plugins: [
      ...(options.plugins ?? []),
      replaceBuildFlags(),
      lwc({
        rootDir: harnessDir,
        modules: [
          // Before the base components' own record, which maps every gate to an open one.
          { name: '@salesforce/gate/bc.260.enableComboboxElementInternals', path: join(HARNESS, 'closedGate.js') },
          { name: 'lightning/platformShowToastEvent', path: join(HARNESS, 'platformShowToastEvent.js') },
          ...(options.modules ?? []),
          ...apexModules,
          ...componentModules,
          { npm: 'lightning-base-components' },
        ],
      }),
      nodeResolve(),
    ],
    onwarn(warning, warn) {
      // Warnings about the source of installed packages (the base components, zod) are not ours to fix.
      const inPackages = (warning.id ?? warning.message).includes('node_modules');
      if (!inPackages && warning.code !== 'CIRCULAR_DEPENDENCY' && warning.code !== 'THIS_IS_UNDEFINED') {
        warn(warning);
      }
    },
  });
  await bundle.write({ dir: outputDir, format: 'es', entryFileNames: 'main.js', chunkFileNames: 'chunks/[name]-[hash].js' });
  await bundle.close();

  copyFileSync(join(harnessDir, 'index.html'), join(outputDir, 'index.html'));
  return apexModules.map((module) => module.name);
}
