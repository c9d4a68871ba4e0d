/**
 * No text shown to people is written into the admin screens' code: it all comes from the
 * catalogues through t(). Parses the sources with TypeScript and looks at what becomes
 * visible: children of h() and link(), and the aria-label, placeholder, title and alt
 * attributes given to them, and assignments to textContent, title and placeholder. A
 * literal there fails unless it is code-like (a domain, a path, a range: examples that
 * are the same in every language) or the product's name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', 'dashboard');
const FILES = [
  join(ROOT, 'main.ts'),
  ...['lib', 'pages'].flatMap((dir) => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, dir, f))),
];
const ELEMENT_BUILDERS = new Set(['h', 'link']);
const VISIBLE_ATTRIBUTES = new Set(['aria-label', 'placeholder', 'title', 'alt']);
const VISIBLE_PROPERTIES = new Set(['textContent', 'title', 'placeholder', 'innerText']);
/** The product's name reads the same in every language. */
const NAME = /\bTeller\b/g;

/** Words people read; code-like examples (example.com, /admin/*, 203.0.113.0/24, q) are not. */
function isProse(literal: string): boolean {
  const text = literal.replace(NAME, '');
  if (!/[A-Za-zÆØÅæøå]{2,}/.test(text)) return false;
  return !/^[\w*\/:@.-]*[.\/*:@][\w*\/:@.-]*$/.test(text.trim());
}

function literalTexts(node: ts.Node): Array<{ text: string; node: ts.Node }> {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [{ text: node.text, node }];
  if (ts.isTemplateExpression(node)) return [node.head, ...node.templateSpans.map((s) => s.literal)].map((part) => ({ text: part.text, node }));
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap(literalTexts);
  if (ts.isConditionalExpression(node)) return [...literalTexts(node.whenTrue), ...literalTexts(node.whenFalse)];
  if (ts.isParenthesizedExpression(node)) return literalTexts(node.expression);
  return [];
}

function hardCodedTexts(name: string, code: string): string[] {
  const source = ts.createSourceFile(name, code, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const report = (node: ts.Node) => {
    for (const { text, node: at } of literalTexts(node)) {
      if (isProse(text)) found.push(`${name}:${source.getLineAndCharacterOfPosition(at.getStart()).line + 1} ${JSON.stringify(text)}`);
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ELEMENT_BUILDERS.has(node.expression.text)) {
      node.arguments.slice(2).forEach(report);
      const attrs = node.arguments[1];
      if (attrs && ts.isObjectLiteralExpression(attrs)) {
        for (const prop of attrs.properties) {
          if (ts.isPropertyAssignment(prop) && VISIBLE_ATTRIBUTES.has(prop.name.getText(source).replace(/['"]/g, ''))) report(prop.initializer);
        }
      }
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && VISIBLE_PROPERTIES.has(node.left.name.text)) {
      report(node.right);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('admin screens', () => {
  it('show no text that is not from a catalogue', () => {
    expect(FILES.length).toBeGreaterThan(5);
    expect(FILES.flatMap((file) => hardCodedTexts(file.slice(ROOT.length + 1), readFileSync(file, 'utf8')))).toEqual([]);
  });

  it('the check itself catches a hard-coded child, attribute and textContent', () => {
    expect(hardCodedTexts('a.ts', `h('p', null, 'Log out')`)).toHaveLength(1);
    expect(hardCodedTexts('b.ts', `h('p', null, [cond ? 'Save' : t('x')])`)).toHaveLength(1);
    expect(hardCodedTexts('c.ts', `link('/', { 'aria-label': 'Go home' }, t('x'))`)).toHaveLength(1);
    expect(hardCodedTexts('d.ts', `el.textContent = 'Copied'`)).toHaveLength(1);
    expect(hardCodedTexts('e.ts', `h('p', { placeholder: 'example.com' }, t('nav.logout'), ' ', 'Teller')`)).toEqual([]);
  });
});
