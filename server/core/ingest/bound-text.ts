/**
 * Bounding text a visitor's browser sent: cut without splitting a character, and words
 * tidied. One place, so every stored field is cut the same way.
 * @module
 */

/** Cuts to `max` UTF-16 units without leaving half of a surrogate pair at the end. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Words someone typed: whitespace runs made one space, trimmed, bounded; null when nothing is left. */
export function cleanWords(text: string | null, max: number): string | null {
  if (text === null) return null;
  const words = truncate(text.replace(/\s+/g, ' ').trim(), max);
  return words === '' ? null : words;
}
