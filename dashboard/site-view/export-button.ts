/**
 * The site view's Export button: the whole view as one ZIP of CSV files (export.ts), with a
 * status line beside it while the files are fetched and when the export fails.
 * @module
 */
import { h } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { errorText } from '../lib/ui.ts';
import { downloadBlob } from './csv-download.ts';
import type { View } from './view.ts';

export function exportButton(view: View): HTMLElement {
  const status = h('span', { class: 'sv-export-status', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'btn', 'data-key': 'export', title: t('sv.export.label'), 'aria-label': t('sv.export.label') }, t('sv.export'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = t('sv.export.working');
    try {
      const { name, blob } = await (await import('./export.ts')).buildExport(view);
      downloadBlob(name, blob);
      status.textContent = '';
    } catch (error) {
      status.textContent = t('sv.export.failed', { message: errorText(error) });
    } finally {
      button.disabled = false;
    }
  });
  return h('span', { class: 'sv-export' }, button, status);
}
