import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The demo partner stands for someone else's shop: it talks to Custos over HTTP only. Nothing in it imports the
 * rest of src/ (only the published webhook signature file is allowed, which any receiver may copy), and nothing in
 * the service imports it.
 */
const FOLDER = 'src/demo-partner';
const ALLOWED_OUTSIDE = new Set(['../webhooks/verify.js']);

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1] ?? match[2]!);
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name))
    .map((name) => join(folder, name));
}

describe('the demo partner is a separate app', () => {
  it('imports only packages, its own files, and at most the webhook signature helper', () => {
    const files = sourceFiles(FOLDER);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const specifier of importsOf(file)) {
        const relative = specifier.startsWith('.');
        const ownFile = specifier.startsWith('./') && !specifier.includes('..');
        if (relative && !ownFile) expect(ALLOWED_OUTSIDE.has(specifier), `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('is imported by nothing in the service', () => {
    const outside = sourceFiles('src').filter((file) => !file.startsWith(`${FOLDER}/`));
    expect(outside.length).toBeGreaterThan(50);
    for (const file of outside) expect(importsOf(file).filter((specifier) => specifier.includes('demo-partner')), file).toEqual([]);
  });
});
