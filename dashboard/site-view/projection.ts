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

/** SVG path data of rings (arrays of [lon, lat]), scaled so the world is `width` wide. */
export function ringsToPath(rings: number[][][], width: number): string {
  const scale = width / WORLD.width;
  const parts: string[] = [];
  for (const ring of rings) {
    let previousLon: number | null = null;
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 2) parts.push(`M${segment.join('L')}Z`);
      segment = [];
    };
    for (const [lon, lat] of ring as Array<[number, number]>) {
      if (previousLon !== null && Math.abs(lon - previousLon) > 180) flush();
      const [x, y] = naturalEarth(lon, lat);
      segment.push(`${((x + WORLD.width / 2) * scale).toFixed(1)},${((y + WORLD.height / 2) * scale).toFixed(1)}`);
      previousLon = lon;
    }
    flush();
  }
  return parts.join('');
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
