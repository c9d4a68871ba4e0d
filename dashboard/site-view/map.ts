/**
 * The world map of the locations panel, a lazily loaded chunk: the world-atlas outlines
 * (fetched once, on demand), projected by projection.ts, shaded in --accent by visitors.
 * Each country with visitors is a focusable link-like path: hover or focus names it with
 * its visitors, a click or Enter filters the view by it. A legend under it gives the scale.
 * @module
 */
import type { Feature, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { h, svg } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { WORLD, countryCode, naturalEarth, ringsToPath } from './projection.ts';

const WIDTH = 800;
const ANTARCTICA = '010';
/** Without Antarctica the land lies between about 84° N (Greenland) and 56° S (Cape Horn). */
const VIEW_BOX = (() => {
  const scale = WIDTH / WORLD.width;
  const top = (naturalEarth(0, 84)[1] + WORLD.height / 2) * scale;
  const bottom = (naturalEarth(0, -57)[1] + WORLD.height / 2) * scale;
  return `0 ${top.toFixed(0)} ${WIDTH} ${(bottom - top).toFixed(0)}`;
})();

interface Shape {
  code: string | null;
  path: string;
}

let shapes: Promise<Shape[]> | null = null;

function polygons(geometry: Geometry): number[][][][] {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

/** Fetches the outlines once; called early so they load alongside the view's queries. */
export function loadShapes(): Promise<Shape[]> {
  shapes ??= fetch('/dashboard/countries-110m.json')
    .then((res) => {
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      return res.json() as Promise<Topology<{ countries: GeometryCollection<{ name: string }> }>>;
    })
    .then((topology) => {
      const collection = feature(topology, topology.objects.countries);
      return collection.features
        .filter((f: Feature<Geometry, { name: string }>) => String(f.id) !== ANTARCTICA)
        .map((f: Feature<Geometry, { name: string }>) => ({
          code: countryCode(f.id, f.properties?.name),
          path: polygons(f.geometry).map((rings) => ringsToPath(rings, WIDTH)).join(''),
        }));
    })
    .catch((error: unknown) => {
      shapes = null;
      throw error;
    });
  return shapes;
}

/** The lightest shade a country with visitors gets: still apart from a country without any. */
const MIN_OPACITY = 0.3;

export const shade = (n: number, max: number) => MIN_OPACITY + (1 - MIN_OPACITY) * Math.sqrt(n / max);

/**
 * The key under the map: the shade of a country without visitors, then the ramp from the
 * fewest visitors a country has to the most (`format` prints a count).
 */
export function mapLegend(visitors: Map<string, number>, format: (n: number) => string): HTMLElement {
  const counts = [...visitors.values()].filter((n) => n > 0);
  const ramp = h('span', { class: 'sv-map-ramp', 'aria-hidden': 'true' });
  return h(
    'div',
    { class: 'sv-map-legend', 'data-min': counts.length ? Math.min(...counts) : 0, 'data-max': counts.length ? Math.max(...counts) : 0 },
    h('span', null, t('sv.map.legend')),
    h('span', { class: 'sv-map-key' }, h('span', { class: 'sv-map-swatch', 'aria-hidden': 'true' }), t('sv.map.none')),
    counts.length ? h('span', { class: 'sv-map-key' }, format(Math.min(...counts)), ramp, format(Math.max(...counts))) : null,
  );
}

/**
 * `label` names a country with its visitors, and `show` puts that in the tip (given by the
 * caller, so this chunk stays small and shares no module with the page).
 */
export async function drawMap(
  visitors: Map<string, number>,
  label: (code: string, n: number) => string,
  onPick: (code: string) => void,
  show: (code: string, text: string) => void,
): Promise<SVGElement> {
  const list = await loadShapes();
  const max = Math.max(1, ...visitors.values());
  const root = svg('svg', { viewBox: VIEW_BOX, class: 'sv-map', role: 'group', 'aria-label': t('sv.map.label') });
  for (const shape of list) {
    const n = shape.code ? (visitors.get(shape.code) ?? 0) : 0;
    const path = svg('path', { d: shape.path, class: n > 0 ? 'sv-country has' : 'sv-country' });
    if (n > 0 && shape.code) {
      const code = shape.code;
      // Square root: one big country should not wash every other one out.
      path.style.fillOpacity = shade(n, max).toFixed(2);
      const text = label(code, n);
      path.setAttribute('tabindex', '0');
      path.setAttribute('role', 'button');
      path.setAttribute('aria-label', text);
      path.setAttribute('data-country', code);
      const tip = () => show(code, text);
      path.addEventListener('mouseenter', tip);
      path.addEventListener('focus', tip);
      path.addEventListener('click', () => onPick(code));
      path.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onPick(code);
        }
      });
    }
    root.appendChild(path);
  }
  return root;
}
