/**
 * The world map of the locations panel, a lazily loaded chunk: the world-atlas outlines
 * (fetched once, on demand), projected by projection.ts, shaded in --accent by visitors.
 * Each country with visitors is a focusable link-like path: hover or focus names it with
 * its visitors, a click or Enter filters the view by it. A legend under it gives the scale.
 * With a country filter (however set) the map shows that country, zoomed in from wherever
 * the last map looked (at once when the reader prefers less motion), and a "World" button
 * removes the filter and zooms back out.
 * @module
 */
import type { Feature, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { h, svg } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { type Box, WORLD, countryBox, countryCode, fitView, naturalEarth, polygonBoxes, ringsToPath, unionBox } from './projection.ts';

const WIDTH = 800;
const ANTARCTICA = '010';
/** Without Antarctica the land lies between about 84° N (Greenland) and 56° S (Cape Horn). */
const WORLD_VIEW: [number, number, number, number] = (() => {
  const scale = WIDTH / WORLD.width;
  const top = Math.round((naturalEarth(0, 84)[1] + WORLD.height / 2) * scale);
  const bottom = Math.round((naturalEarth(0, -57)[1] + WORLD.height / 2) * scale);
  return [0, top, WIDTH, bottom - top];
})();
/** The narrowest zoomed view, about 30° of longitude: Luxembourg is shown amid its neighbours. */
const MIN_ZOOM_WIDTH = WIDTH / 12;
const ZOOM_MS = 450;

interface Shape {
  code: string | null;
  path: string;
  /** Where the country lies (countryBox), null for one without outline. */
  box: Box | null;
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
          box: countryBox(polygons(f.geometry).flatMap((rings) => polygonBoxes(rings, WIDTH))),
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

type View = [number, number, number, number];

/** The view the last map drawn showed: the next one zooms from there. */
let shownView: View | null = null;

const viewBoxOf = (view: View) => view.map((n) => n.toFixed(1)).join(' ');

/** The view that shows these countries, or the world for none (or none with an outline). */
export function zoomView(list: Shape[], codes: string[]): View {
  const box = unionBox(list.filter((s) => s.code !== null && codes.includes(s.code) && s.box).map((s) => s.box!));
  return box ? fitView(box, WORLD_VIEW, MIN_ZOOM_WIDTH) : WORLD_VIEW;
}

/** Moves the map's view from the last map's to `to`: eased, or at once when motion is unwelcome. */
function zoom(root: SVGElement, to: View): void {
  const from = shownView;
  shownView = to;
  // Where the view is going: the tests wait for the viewBox to arrive there.
  root.setAttribute('data-view', viewBoxOf(to));
  root.setAttribute('viewBox', viewBoxOf(from ?? to));
  if (!from || from.every((n, i) => n === to[i]) || matchMedia('(prefers-reduced-motion: reduce)').matches) {
    root.setAttribute('viewBox', viewBoxOf(to));
    return;
  }
  let start: number | null = null;
  const step = (now: number) => {
    start ??= now;
    const p = Math.min(1, (now - start) / ZOOM_MS);
    const eased = p < 0.5 ? 4 * p * p * p : 1 - (-2 * p + 2) ** 3 / 2;
    root.setAttribute('viewBox', viewBoxOf(p === 1 ? to : (from.map((n, i) => n + (to[i]! - n) * eased) as View)));
    if (p < 1) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

export interface MapFocus {
  /** The countries of the view's `is` country filter: the map zooms to them. */
  codes: string[];
  /** Removes that filter (the "World" button). */
  onWorld: () => void;
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
  focus: MapFocus = { codes: [], onWorld: () => {} },
): Promise<HTMLElement> {
  const list = await loadShapes();
  const max = Math.max(1, ...visitors.values());
  const root = svg('svg', { class: 'sv-map', role: 'group', 'aria-label': t('sv.map.label') });
  const view = zoomView(list, focus.codes);
  const zoomed = view !== WORLD_VIEW;
  if (zoomed) root.setAttribute('data-zoom', focus.codes.join(','));
  for (const shape of list) {
    const n = shape.code ? (visitors.get(shape.code) ?? 0) : 0;
    const picked = zoomed && shape.code !== null && focus.codes.includes(shape.code);
    const path = svg('path', { d: shape.path, class: `sv-country${n > 0 ? ' has' : ''}${picked ? ' picked' : ''}` });
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
  // The picked countries drawn last: their outline is not hidden under a neighbour's.
  for (const picked of root.querySelectorAll('.picked')) root.appendChild(picked);
  zoom(root, view);
  const world = zoomed ? h('button', { type: 'button', class: 'btn sv-map-world', 'data-key': 'map-world', title: t('sv.map.worldHint'), onclick: focus.onWorld }, t('sv.map.world')) : null;
  return h('div', { class: 'sv-map-frame' }, root, world);
}
