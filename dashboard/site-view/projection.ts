/**
 * The Natural Earth projection (Šavrič et al., 2011; the polynomial d3 uses) and the SVG path
 * of a GeoJSON polygon in it. Rings that cross the antimeridian are broken there instead of
 * drawn as a line across the world.
 * @module
 */

const RAD = Math.PI / 180;

/** Longitude, latitude in degrees → x, y in radians-scale units (north up, y negated for SVG). */
export function naturalEarth(lon: number, lat: number): [number, number] {
  const l = lon * RAD;
  const p = lat * RAD;
  const p2 = p * p;
  const p4 = p2 * p2;
  const x = l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)));
  const y = p * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
  return [x, -y];
}

/** The projected world's width and height (x at ±180°, y at ±90°). */
export const WORLD = { width: 2 * naturalEarth(180, 0)[0], height: 2 * -naturalEarth(0, 90)[1] };

/**
 * A ring's points on a map `width` wide, in pieces: a new piece wherever the ring jumps
 * across the antimeridian (so a piece never spans the world).
 */
function ringPieces(ring: number[][], width: number): Array<Array<[number, number]>> {
  const scale = width / WORLD.width;
  const pieces: Array<Array<[number, number]>> = [];
  let previousLon: number | null = null;
  let piece: Array<[number, number]> = [];
  for (const [lon, lat] of ring as Array<[number, number]>) {
    if (previousLon !== null && Math.abs(lon - previousLon) > 180) {
      pieces.push(piece);
      piece = [];
    }
    const [x, y] = naturalEarth(lon, lat);
    piece.push([(x + WORLD.width / 2) * scale, (y + WORLD.height / 2) * scale]);
    previousLon = lon;
  }
  // A ring is a loop: its last piece goes on into its first (else closing each would draw a
  // line across the country from where the ring happens to start).
  if (pieces.length > 0) pieces[0] = [...piece, ...pieces[0]!];
  else pieces.push(piece);
  return pieces.filter((p) => p.length > 2);
}

/** SVG path data of rings (arrays of [lon, lat]), scaled so the world is `width` wide. */
export function ringsToPath(rings: number[][][], width: number): string {
  return rings
    .flatMap((ring) => ringPieces(ring, width))
    .map((piece) => `M${piece.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join('L')}Z`)
    .join('');
}

/** A rectangle on the map: left, top, right, bottom. */
export type Box = [number, number, number, number];

/** The boxes around a polygon's outline (its outer ring), one per piece either side of the antimeridian. */
export function polygonBoxes(rings: number[][][], width: number): Box[] {
  return ringPieces(rings[0] ?? [], width).map((piece) => {
    const xs = piece.map((p) => p[0]);
    const ys = piece.map((p) => p[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  });
}

const size = (b: Box) => Math.max(b[2] - b[0], b[3] - b[1]);
const merge = (a: Box, b: Box): Box => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
const gap = (a: Box, b: Box) => Math.max(0, b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3]);

/**
 * Where a country lies: its largest piece, with every other piece near what is gathered so
 * far (within half its size). Far pieces are left out: French Guiana from France, the Aleutian
 * tip past the antimeridian from the United States, Chukotka's far side from Russia, which
 * would otherwise stretch the box across the world.
 */
export function countryBox(boxes: Box[]): Box | null {
  const [first, ...rest] = [...boxes].sort((a, b) => (b[2] - b[0]) * (b[3] - b[1]) - (a[2] - a[0]) * (a[3] - a[1]));
  if (!first) return null;
  let box = first;
  for (const piece of rest) if (gap(box, piece) <= size(box) / 2) box = merge(box, piece);
  return box;
}

/** Boxes gathered into one (several countries of a filter), or null for none. */
export function unionBox(boxes: Box[]): Box | null {
  return boxes.length ? boxes.reduce(merge) : null;
}

/**
 * The view (x, y, width, height) that shows `box` inside `world` (the whole map's view): a
 * margin around it, no smaller than `minWidth` (a small country keeps its neighbours in
 * sight), the world view's proportions, and inside the world view where it fits.
 */
export function fitView(box: Box, world: [number, number, number, number], minWidth: number): [number, number, number, number] {
  const [wx, wy, ww, wh] = world;
  const margin = 0.15;
  let w = Math.max((box[2] - box[0]) * (1 + 2 * margin), minWidth);
  let h = (box[3] - box[1]) * (1 + 2 * margin);
  // The world view's proportions: the wider side decides, the other grows.
  if (w / h > ww / wh) h = (w * wh) / ww;
  else w = (h * ww) / wh;
  if (w > ww) return world;
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const x = Math.min(Math.max(cx - w / 2, wx), wx + ww - w);
  const y = Math.min(Math.max(cy - h / 2, wy), wy + wh - h);
  return [x, y, w, h];
}

/**
 * world-atlas names countries by ISO 3166-1 numeric code; the Stats API by alpha-2. Five
 * characters each: three digits, two letters.
 */
const NUMERIC_TO_ALPHA2 =
  '242FJ834TZ732EH124CA840US398KZ860UZ598PG360ID032AR152CL180CD706SO404KE729SD148TD332HT214DO643RU044BS238FK578NO304GL' +
  '260TF626TL710ZA426LS484MX858UY076BR068BO604PE170CO591PA188CR558NI340HN222SV320GT084BZ862VE328GY740SR250FR218EC630PR' +
  '388JM192CU716ZW072BW516NA686SN466ML478MR204BJ562NE566NG120CM768TG288GH384CI324GN624GW430LR694SL854BF140CF178CG266GA' +
  '226GQ894ZM454MW508MZ748SZ024AO108BI376IL422LB450MG275PS270GM788TN012DZ400JO784AE634QA414KW368IQ512OM548VU116KH764TH' +
  '418LA104MM704VN408KP410KR496MN356IN050BD064BT524NP586PK004AF762TJ417KG795TM364IR760SY051AM752SE112BY804UA616PL040AT' +
  '348HU498MD642RO440LT428LV233EE276DE100BG300GR792TR008AL191HR756CH442LU056BE528NL620PT724ES372IE540NC090SB554NZ036AU' +
  '144LK156CN158TW380IT208DK826GB352IS031AZ268GE608PH458MY096BN705SI246FI703SK203CZ232ER392JP600PY887YE682SA010AQ196CY' +
  '504MA818EG434LY231ET262DJ800UG646RW070BA807MK688RS499ME780TT728SS';

export const ALPHA2_BY_NUMERIC: ReadonlyMap<string, string> = new Map(
  Array.from({ length: NUMERIC_TO_ALPHA2.length / 5 }, (_, i) => {
    const chunk = NUMERIC_TO_ALPHA2.slice(i * 5, i * 5 + 5);
    return [chunk.slice(0, 3), chunk.slice(3)] as [string, string];
  }),
);

/** A feature's alpha-2 code: by its numeric id, or by name for the few without one. */
export function countryCode(id: string | number | undefined, name: string | undefined): string | null {
  if (id !== undefined) return ALPHA2_BY_NUMERIC.get(String(id).padStart(3, '0')) ?? null;
  return name === 'Kosovo' ? 'XK' : null;
}
