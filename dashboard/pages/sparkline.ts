/**
 * A site's last 30 days as a small inline SVG line: no axes, an accessible label with the
 * total and today's figure, drawn in the accent colour (sites.css styles .sparkline).
 * @module
 */
import { svg } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';

const WIDTH = 120;
const HEIGHT = 32;
const PAD = 2;

/** The polyline's points for `values`, scaled into the box; a flat line when all are zero. */
export function sparkPoints(values: number[], width = WIDTH, height = HEIGHT): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? (width - 2 * PAD) / (values.length - 1) : 0;
  return values
    .map((v, i) => `${(PAD + i * step).toFixed(1)},${(height - PAD - (v / max) * (height - 2 * PAD)).toFixed(1)}`)
    .join(' ');
}

export function sparkline(values: number[]): SVGElement {
  const total = values.reduce((sum, v) => sum + v, 0);
  const title = svg('title');
  title.textContent = t('sites.sparkline', { days: values.length, total });
  const points = sparkPoints(values);
  const area = `${PAD},${HEIGHT - PAD} ${points} ${WIDTH - PAD},${HEIGHT - PAD}`;
  return svg(
    'svg',
    { class: 'sparkline', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': title.textContent, preserveAspectRatio: 'none' },
    title,
    svg('polygon', { class: 'sparkline-area', points: area }),
    svg('polyline', { class: 'sparkline-line', points, fill: 'none' }),
  );
}
