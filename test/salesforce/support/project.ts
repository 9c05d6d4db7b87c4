import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Repository root: test/salesforce/support is three levels below it. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');
export const FORCE_APP = join(REPOSITORY_ROOT, 'force-app');
export const DEFAULT_FOLDER = join(FORCE_APP, 'main', 'default');
export const CLASSES_FOLDER = join(DEFAULT_FOLDER, 'classes');
export const LWC_FOLDER = join(DEFAULT_FOLDER, 'lwc');

/** Lists every file under a folder, recursively, as absolute paths in sorted order. */
export function listFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder).sort()) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) {
      files.push(...listFiles(path));
    } else {
      files.push(path);
    }
  }
  return files;
}

export function relativeToRoot(path: string): string {
  return relative(REPOSITORY_ROOT, path);
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function sourceApiVersion(): string {
  const project = JSON.parse(readText(join(REPOSITORY_ROOT, 'sfdx-project.json'))) as { sourceApiVersion: string };
  return project.sourceApiVersion;
}

/** Every Apex class and trigger under force-app. */
export function apexSourceFiles(): string[] {
  return listFiles(FORCE_APP).filter((path) => path.endsWith('.cls') || path.endsWith('.trigger'));
}

/** Names of the LWC bundles (folders under lwc/). */
export function lwcBundleNames(): string[] {
  return readdirSync(LWC_FOLDER)
    .filter((entry) => statSync(join(LWC_FOLDER, entry)).isDirectory())
    .sort();
}
