import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { cruise, getAvailableTranspilers, type ICruiseResult, type IForbiddenRuleType, type IViolation } from 'dependency-cruiser';

/**
 * The shape of the code, checked (issue 11 item 6; STYLE.md "small files", "platform code importing a feature"):
 * - platform code imports no feature: nothing under src/platform/ imports a src/ file outside it but src/config.ts;
 * - no import cycles among src/ files, type-only imports included;
 * - no source file over 400 lines in src/, test/ or e2e/.
 *
 * Imports are read by dependency-cruiser with its swc parser, named explicitly. Its TypeScript parser needs the
 * `typescript` package's JavaScript compiler API, which TypeScript 7 (the native compiler) no longer offers. Without
 * swc installed, .ts and .tsx files are then not read at all and every rule passes on an empty graph; with swc
 * installed but not named, .ts files are read by its loose JavaScript parser, which misses `export type … from` and
 * `import { type X }` edges. Named, swc keeps every import, marked type-only where it is. Because a reader that drops
 * files or edges would make this check pass for the wrong reason, checkShape refuses to run without swc and fails
 * if any .ts/.tsx file under src/ is missing from the graph; test/shape/shape.test.ts plants type-only cycles.
 */

export const MAX_LINES = 400;

/** Folders whose source files the line limit covers; the import rules cover src/ only. */
const LINE_CHECKED_FOLDERS = ['src', 'test', 'e2e'];
const SOURCE_FILE = /\.(?:[cm]?tsx?|[cm]?jsx?)$/;
const CRUISED_FILE = /\.tsx?$/;

const RULES: IForbiddenRuleType[] = [
  {
    name: 'platform-imports-no-feature',
    comment: 'Features stand on the platform; a platform that imports a feature cannot change or be reused without it.',
    severity: 'error',
    from: { path: '^src/platform/' },
    to: {
      path: '^src/',
      // src/config.ts is the application's parsed configuration, not a feature: platform/context.ts puts the
      // Config type in Deps, and logging, cookies, CSRF, security headers and the sweep read their settings from it.
      pathNot: ['^src/platform/', '^src/config\\.ts$'],
    },
  },
  {
    name: 'no-import-cycles',
    comment: 'A cycle, even of types, means two files are one module in two places.',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true },
  },
  {
    name: 'imports-resolve',
    comment: 'A relative import the check cannot resolve is an edge it cannot see: the rules above would pass without it.',
    severity: 'error',
    from: { path: '^src/' },
    // An unresolved import keeps its specifier as its path; packages are leaves here, so only files matter.
    to: { couldNotResolve: true, path: '^\\.\\.?/' },
  },
];

export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

export interface ShapeReport {
  /** Imports from src/platform/ into a src/ file outside it (src/config.ts allowed). */
  platformImports: ImportEdge[];
  /** Each cycle once, as its imports in order from its alphabetically first file; every import on a cycle is on one listed. */
  cycles: ImportEdge[][];
  /** Relative imports under src/ that resolve to no file (the rules above cannot see through them). */
  unresolved: { from: string; specifier: string }[];
  /** Source files over MAX_LINES lines, longest first. */
  longFiles: { file: string; lines: number }[];
  /** The longest source file in src/, to watch the margin. */
  largestSourceFile: { file: string; lines: number } | undefined;
  /** How many src/ files the import rules read. */
  modulesCruised: number;
}

/** Checks the tree under `root` (a folder holding src/, and optionally test/ and e2e/). */
export async function checkShape(root: string): Promise<ShapeReport> {
  const swc = getAvailableTranspilers().find((transpiler) => transpiler.name === 'swc');
  if (!swc?.available) {
    throw new Error('shape: @swc/core is not installed, so dependency-cruiser cannot read TypeScript here (npm install)');
  }
  const sourceFiles = listFiles(root, 'src').filter((file) => CRUISED_FILE.test(file));
  const { output } = await cruise(['src'], {
    baseDir: root,
    parser: 'swc',
    validate: true,
    ruleSet: { forbidden: RULES },
    doNotFollow: { path: 'node_modules' },
  });
  if (typeof output === 'string') throw new Error('shape: dependency-cruiser returned text, not a result');
  assertEveryFileRead(output, sourceFiles);

  const violations = output.summary.violations;
  const counted = LINE_CHECKED_FOLDERS.flatMap((folder) => listFiles(root, folder))
    .filter((file) => SOURCE_FILE.test(file))
    .map((file) => ({ file, lines: countLines(readFileSync(join(root, file), 'utf8')) }))
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
  return {
    platformImports: violations.filter((violation) => violation.rule.name === 'platform-imports-no-feature').map(edgeOf),
    cycles: distinctCycles(violations.filter((violation) => violation.rule.name === 'no-import-cycles')),
    unresolved: violations
      .filter((violation) => violation.rule.name === 'imports-resolve')
      .map((violation) => ({ from: violation.from, specifier: violation.unresolvedTo ?? violation.to })),
    longFiles: counted.filter(({ lines }) => lines > MAX_LINES),
    largestSourceFile: counted.find(({ file }) => file.startsWith('src/')),
    modulesCruised: output.modules.filter((module) => module.source.startsWith('src/')).length,
  };
}

export function violationCount(report: ShapeReport): number {
  return report.platformImports.length + report.cycles.length + report.unresolved.length + report.longFiles.length;
}

/** Each violation as one readable line, by rule. */
export function violationLines(report: ShapeReport): Record<'platformImports' | 'cycles' | 'unresolved' | 'longFiles', string[]> {
  return {
    platformImports: report.platformImports.map((edge) => `${edge.from} → ${edge.to}${edge.typeOnly ? ' (type-only)' : ''}`),
    cycles: report.cycles.map(formatCycle),
    unresolved: report.unresolved.map(({ from, specifier }) => `${from} → ${specifier}`),
    longFiles: report.longFiles.map(({ file, lines }) => `${file}: ${lines} lines`),
  };
}

/** The report as people read it: one line per violation, grouped by rule, then a summary line. */
export function formatShapeReport(report: ShapeReport): string {
  const entries = violationLines(report);
  const titles = {
    platformImports: 'platform imports a feature',
    cycles: 'import cycles',
    unresolved: 'relative imports that resolve to no file',
    longFiles: `files over ${MAX_LINES} lines`,
  };
  const lines: string[] = [];
  for (const rule of ['platformImports', 'cycles', 'unresolved', 'longFiles'] as const) {
    if (entries[rule].length > 0) lines.push(`${titles[rule]} (${entries[rule].length}):`, ...entries[rule].map((entry) => `  ${entry}`));
  }
  const total = violationCount(report);
  const largest = report.largestSourceFile ? `; largest src/ file ${report.largestSourceFile.file}, ${report.largestSourceFile.lines} lines` : '';
  lines.push(`shape: ${total === 0 ? 'no violations' : `${total} violation${total === 1 ? '' : 's'}`} (${report.modulesCruised} src/ files read${largest})`);
  return lines.join('\n');
}

/** `a.ts → b.ts (type) → a.ts`: "(type)" marks a hop made by a type-only import. */
function formatCycle(cycle: ImportEdge[]): string {
  return [cycle[0]!.from, ...cycle.map((edge) => `${edge.to}${edge.typeOnly ? ' (type)' : ''}`)].join(' → ');
}

function edgeOf(violation: IViolation): ImportEdge {
  return { from: violation.from, to: violation.to, typeOnly: (violation.dependencyTypes ?? []).includes('type-only') };
}

/**
 * dependency-cruiser reports each import that lies on a cycle, with one cycle through it; two imports on the same
 * cycle report it twice. Each cycle is kept once, turned to start at its alphabetically first file.
 */
function distinctCycles(violations: IViolation[]): ImportEdge[][] {
  const byKey = new Map<string, ImportEdge[]>();
  for (const violation of violations) {
    const hops = violation.cycle ?? [];
    const files = [violation.from, ...hops.map((hop) => hop.name)];
    const edges = hops.map((hop, index) => ({ from: files[index]!, to: hop.name, typeOnly: hop.dependencyTypes.includes('type-only') }));
    const start = edges.reduce((best, edge, index) => (edge.from < edges[best]!.from ? index : best), 0);
    const rotated = [...edges.slice(start), ...edges.slice(0, start)];
    const key = rotated.map((edge) => edge.from).join('\n');
    if (!byKey.has(key)) byKey.set(key, rotated);
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, cycle]) => cycle);
}

/** A parser that cannot read a file leaves it out of the graph; then the rules would pass on what remains. */
function assertEveryFileRead(output: ICruiseResult, sourceFiles: string[]): void {
  const read = new Set(output.modules.map((module) => module.source));
  const missing = sourceFiles.filter((file) => !read.has(file));
  if (missing.length > 0) throw new Error(`shape: dependency-cruiser did not read ${missing.length} file(s): ${missing.join(', ')}`);
}

/** Lines as an editor numbers them: a final newline ends the last line rather than starting another. */
export function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Files under root/folder, as forward-slash paths relative to root; node_modules skipped, a missing folder empty. */
function listFiles(root: string, folder: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, folder), { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !file.split('/').includes('node_modules'))
    .sort();
}

if (import.meta.main) {
  const root = process.argv[2] ?? process.cwd();
  const report = await checkShape(root);
  console.log(formatShapeReport(report));
  process.exitCode = violationCount(report) === 0 ? 0 : 1;
}
