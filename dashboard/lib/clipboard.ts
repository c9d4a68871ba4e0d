/**
 * Copying a snippet, a token or a link. The Clipboard API needs a secure context (HTTPS or
 * localhost); a Teller reached over plain HTTP on a LAN address falls back to a selected
 * textarea and execCommand, which browsers still honour inside a click.
 * @module
 */

export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused: try the old way.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'sr-only';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
