/**
 * The privacy text as one structured document, rendered to Markdown, HTML or plain text,
 * so the three formats can never say different things.
 * @module
 */

/** A run of text: plain, a code name (a parameter, a property key) or emphasis. */
export type Inline = string | { code: string } | { strong: string };

export type Block =
  | { kind: 'heading'; level: 2 | 3; text: string }
  | { kind: 'paragraph'; parts: Inline[] }
  | { kind: 'list'; items: Inline[][] }
  /** Addressed to the site owner, not to visitors: kept visibly apart in every format. */
  | { kind: 'ownerNote'; parts: Inline[] }
  /**
   * The opt-out widget: its markup goes into Markdown and HTML as is; plain text cannot
   * hold it, so there the owner is told where to place it.
   */
  | { kind: 'widget'; html: string; placeHere: Inline[] };

export type Format = 'md' | 'html' | 'txt';
export const FORMATS: readonly Format[] = ['md', 'html', 'txt'];

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);
}

function inlineMd(part: Inline): string {
  if (typeof part === 'string') return escapeMarkdown(part);
  if ('code' in part) return `\`${part.code.replaceAll('`', '')}\``;
  return `**${escapeMarkdown(part.strong)}**`;
}

function inlineHtml(part: Inline): string {
  if (typeof part === 'string') return escapeHtml(part);
  if ('code' in part) return `<code>${escapeHtml(part.code)}</code>`;
  return `<strong>${escapeHtml(part.strong)}</strong>`;
}

function inlineTxt(part: Inline): string {
  if (typeof part === 'string') return part;
  return 'code' in part ? part.code : part.strong;
}

const join = (parts: Inline[], render: (p: Inline) => string): string => parts.map(render).join('');

function blockMd(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${escapeMarkdown(block.text)}`;
    case 'paragraph':
      return join(block.parts, inlineMd);
    case 'list':
      return block.items.map((item) => `- ${join(item, inlineMd)}`).join('\n');
    case 'ownerNote':
      return `> ${join(block.parts, inlineMd)}`;
    case 'widget':
      return block.html;
  }
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${join(block.parts, inlineHtml)}</p>`;
    case 'list':
      return `<ul>\n${block.items.map((item) => `  <li>${join(item, inlineHtml)}</li>`).join('\n')}\n</ul>`;
    case 'ownerNote':
      // Visible, so it cannot be overlooked; its class lets a page hide it while the owner decides.
      return `<p class="teller-owner-note">${join(block.parts, inlineHtml)}</p>`;
    case 'widget':
      return block.html;
  }
}

function blockTxt(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return block.text;
    case 'paragraph':
      return join(block.parts, inlineTxt);
    case 'list':
      return block.items.map((item) => `- ${join(item, inlineTxt)}`).join('\n');
    case 'ownerNote':
      return `[${join(block.parts, inlineTxt)}]`;
    case 'widget':
      return `[${join(block.placeHere, inlineTxt)} ${block.html}]`;
  }
}

const RENDERERS: Record<Format, (block: Block) => string> = { md: blockMd, html: blockHtml, txt: blockTxt };

/** The document in `format`, blocks separated by a blank line, ending with a newline. */
export function renderDocument(blocks: readonly Block[], format: Format): string {
  return `${blocks.map(RENDERERS[format]).join('\n\n')}\n`;
}
