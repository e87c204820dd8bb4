import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkShape, countLines, formatShapeReport, MAX_LINES, violationLines, type ShapeReport } from './check.js';

/**
 * The code keeps one shape (issue 11 item 6): platform code imports no feature, no import cycles (type-only ones
 * included), no file over 400 lines. The same check runs on a small planted tree, so a check that stopped seeing
 * type-only imports, dynamic imports or re-exports (a parser falling back, a TypeScript upgrade) fails here too
 * rather than passing on a graph with edges missing.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('shape of src/', () => {
  let report: ShapeReport;
  let violations: ReturnType<typeof violationLines>;
  beforeAll(async () => {
    report = await checkShape(ROOT);
    violations = violationLines(report);
  });

  it('shape: every src/ file is read and every relative import resolves', () => {
    expect(report.modulesCruised).toBeGreaterThan(100);
    expect(violations.unresolved).toEqual([]);
  });

  it('shape: platform imports no feature', () => {
    expect(violations.platformImports).toEqual([]);
  });

  it('shape: no import cycles, type-only imports included', () => {
    expect(violations.cycles).toEqual([]);
  });

  it(`shape: no file over ${MAX_LINES} lines`, () => {
    expect(violations.longFiles).toEqual([]);
  });
});

describe('shape check on a planted tree', () => {
  let root: string;
  let report: ShapeReport;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'custos-shape-'));
    plant(root, {
      'src/config.ts': 'export interface Config { port: number }\n',
      // Allowed: platform may read the Config type, and packages.
      'src/platform/context.ts': "import type { Config } from '../config.js';\nimport { readFileSync } from 'node:fs';\nexport interface Deps { config: Config; read: typeof readFileSync }\n",
      'src/platform/guard.ts': "import { authenticate } from '../sessions/store.js';\nexport const guard = authenticate;\n",
      'src/platform/types.ts': "import type { Session } from '../sessions/session.js';\nexport type Principal = Session;\n",
      'src/platform/reexport.ts': "export type { Session } from '../sessions/session.js';\n",
      'src/platform/lazy.ts': "export const load = () => import('../orders/history.js');\n",
      'src/platform/page.tsx': "import { brand } from '../wallet/brand.js';\nexport const Page = () => <p class=\"brand\">{brand}</p>;\n",
      'src/sessions/session.ts': 'export interface Session { id: string }\n',
      'src/sessions/store.ts': "import type { Session } from './session.js';\nexport const authenticate = (id: string): Session => ({ id });\n",
      'src/orders/history.ts': 'export const history: string[] = [];\n',
      'src/wallet/brand.ts': "export const brand = 'visa';\n",
      // A cycle made of type-only imports and nothing else: compiled away, so invisible to a JavaScript-only reader.
      'src/cycle/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
      'src/cycle/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
      // The other spellings of a type-only edge: inline `type` specifiers and `export type … from`.
      'src/cycle/c.ts': "import { type D } from './d.js';\nexport type C = D[];\n",
      'src/cycle/d.ts': "export type { C } from './c.js';\nexport type D = number;\n",
      'src/broken/missing-import.ts': "import { gone } from './gone.js';\nexport const here = gone;\n",
      'src/long/at-limit.ts': numberedLines(MAX_LINES),
      'src/long/over-limit.ts': numberedLines(MAX_LINES + 1),
      'test/long/over-limit.test.ts': numberedLines(MAX_LINES + 20),
    });
    report = await checkShape(root);
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('shape: platform imports no feature — value, type-only, re-export, dynamic and JSX-file imports are each reported', () => {
    expect(report.platformImports).toEqual([
      { from: 'src/platform/guard.ts', to: 'src/sessions/store.ts', typeOnly: false },
      { from: 'src/platform/lazy.ts', to: 'src/orders/history.ts', typeOnly: false },
      { from: 'src/platform/page.tsx', to: 'src/wallet/brand.ts', typeOnly: false },
      { from: 'src/platform/reexport.ts', to: 'src/sessions/session.ts', typeOnly: true },
      { from: 'src/platform/types.ts', to: 'src/sessions/session.ts', typeOnly: true },
    ]);
    expect(formatShapeReport(report)).toContain('src/platform/types.ts → src/sessions/session.ts (type-only)');
  });

  it('shape: no import cycles — a cycle of type-only imports is reported, with its path', () => {
    expect(report.cycles).toEqual([
      [
        { from: 'src/cycle/a.ts', to: 'src/cycle/b.ts', typeOnly: true },
        { from: 'src/cycle/b.ts', to: 'src/cycle/a.ts', typeOnly: true },
      ],
      [
        { from: 'src/cycle/c.ts', to: 'src/cycle/d.ts', typeOnly: true },
        { from: 'src/cycle/d.ts', to: 'src/cycle/c.ts', typeOnly: true },
      ],
    ]);
    expect(formatShapeReport(report)).toContain('src/cycle/a.ts → src/cycle/b.ts (type) → src/cycle/a.ts (type)');
  });

  it(`shape: no file over ${MAX_LINES} lines — src/ and test/ files over it are reported with their counts`, () => {
    expect(report.longFiles).toEqual([
      { file: 'test/long/over-limit.test.ts', lines: MAX_LINES + 20 },
      { file: 'src/long/over-limit.ts', lines: MAX_LINES + 1 },
    ]);
    expect(formatShapeReport(report)).toContain(`src/long/over-limit.ts: ${MAX_LINES + 1} lines`);
  });

  it('shape: a relative import that resolves to no file is reported, since the rules cannot see past it', () => {
    expect(report.unresolved).toEqual([{ from: 'src/broken/missing-import.ts', specifier: './gone.js' }]);
  });

  it('shape: lines are counted as an editor numbers them', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('a')).toBe(1);
    expect(countLines('a\n')).toBe(1);
    expect(countLines('a\nb')).toBe(2);
    expect(countLines('a\n\n')).toBe(2);
  });
});

function plant(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function numberedLines(count: number): string {
  return Array.from({ length: count }, (_, index) => `export const line${index + 1} = ${index + 1};\n`).join('');
}
