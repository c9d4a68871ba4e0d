/**
 * No import circles in `server/core`: each file's static imports (value and type-only alike,
 * since the issue is the house's structure, not only what runs first) form a graph with no
 * cycle, and the seam (`ports.ts`) imports nothing from the core above it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const core = join(root, 'server/core');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier a file names: import/export declarations and `import('…')` in types or code. */
function specifiers(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The core's import graph, keyed by path relative to `server/core`; imports leaving the core are dropped. */
function coreGraph(): Map<string, string[]> {
  const files = tsFiles(core);
  const known = new Set(files);
  const name = (path: string) => relative(core, path).split('\\').join('/');
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiers(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(dirname(file), spec))
      .map((target) => [target, `${target}.ts`, `${target}/index.ts`].find((candidate) => known.has(candidate)))
      .filter((target): target is string => target !== undefined);
    graph.set(name(file), [...new Set(targets.map(name))].sort());
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): each is a circle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return found;
}

describe('server/core import graph', () => {
  const graph = coreGraph();

  it('reads the core and its imports', () => {
    expect(graph.size).toBeGreaterThan(20);
    expect(graph.get('ports.ts')).toBeDefined();
  });

  it('has the seam on the ground floor: ports.ts imports nothing from the core', () => {
    expect(graph.get('ports.ts')).toEqual([]);
  });

  it('has no import circle', () => {
    expect(cycles(graph).map((component) => `circle among: ${component.join(', ')}`)).toEqual([]);
  });

  it('finds circles, self-imports included, and only those', () => {
    const sample = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(cycles(sample)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
  });
});
