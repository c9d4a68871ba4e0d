/**
 * Where the map zooms for a country filter: the box around a country from world-atlas's own
 * outlines (the file the dashboard serves), without the far pieces that would stretch it
 * across the world (the antimeridian's other side, overseas departments), and the view that
 * shows it with a margin, a smallest size and the world view's proportions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
import { type Box, WORLD, countryBox, countryCode, fitView, naturalEarth, polygonBoxes, ringsToPath } from '../../dashboard/site-view/projection.ts';

const WIDTH = 800;
const topology = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'world-atlas', 'countries-110m.json'), 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const features = (feature(topology, topology.objects.countries) as unknown as { features: Array<{ id?: string; properties: { name: string }; geometry: Geometry }> }).features;

function boxOf(code: string): Box {
  const f = features.find((x) => countryCode(x.id, x.properties.name) === code)!;
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates : [];
  return countryBox(polygons.flatMap((rings) => polygonBoxes(rings, WIDTH)))!;
}

/** A place on the map, as the map draws it. */
function at(lon: number, lat: number): [number, number] {
  const [x, y] = naturalEarth(lon, lat);
  const scale = WIDTH / WORLD.width;
  return [(x + WORLD.width / 2) * scale, (y + WORLD.height / 2) * scale];
}

const inside = (box: Box, [x, y]: [number, number]) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];

describe('map zoom', () => {
  it('boxes a country around its land: Oslo and Tromsø in Norway’s', () => {
    const no = boxOf('NO');
    expect(inside(no, at(10.75, 59.9))).toBe(true);
    expect(inside(no, at(18.95, 69.65))).toBe(true);
    expect(no[2] - no[0]).toBeLessThan(WIDTH / 8);
  });

  it('leaves out pieces past the antimeridian and far overseas', () => {
    // The United States: from Maine to Alaska, not Attu's side of the antimeridian.
    const us = boxOf('US');
    expect(inside(us, at(-70, 44))).toBe(true);
    expect(inside(us, at(-150, 61))).toBe(true);
    expect(us[2]).toBeLessThan(at(-60, 45)[0]);
    // Russia: Moscow to Kamchatka, without Chukotka's tip west of 180° on the map's far left.
    const ru = boxOf('RU');
    expect(inside(ru, at(37.6, 55.75))).toBe(true);
    expect(inside(ru, at(158.6, 53))).toBe(true);
    expect(ru[0]).toBeGreaterThan(at(0, 60)[0]);
    // Fiji lies on both sides: its box is the islands on one, not the width of the world.
    const fj = boxOf('FJ');
    expect(fj[2] - fj[0]).toBeLessThan(WIDTH / 20);
    // France: the mainland and Corsica, not French Guiana across the Atlantic.
    const fr = boxOf('FR');
    expect(inside(fr, at(2.35, 48.85))).toBe(true);
    expect(inside(fr, at(9.1, 42.1))).toBe(true);
    expect(fr[0]).toBeGreaterThan(at(-10, 45)[0]);
  });

  it('closes a ring cut by the antimeridian along the cut, not across the country (Russia’s outline, highlighted)', () => {
    // Starts mid-way along the southern edge, crosses to the far side and back.
    const path = ringsToPath([[[175, 0], [179, 0], [-179, 0], [-178, 2], [-179, 5], [179, 5], [175, 5], [175, 0]]], WIDTH);
    const point = (lon: number, lat: number) => at(lon, lat).map((n) => n.toFixed(1)).join(',');
    const pieces = path.split('M').filter(Boolean);
    expect(pieces).toHaveLength(2);
    // This side's piece runs from where the ring comes back (179°, 5°) round to where it left (179°, 0°): its close is the cut.
    expect(pieces[0]!.startsWith(point(179, 5))).toBe(true);
    expect(pieces[0]!.endsWith(`${point(179, 0)}Z`)).toBe(true);
  });

  it('fits a view with a margin, a smallest size, the world view’s proportions, inside the world', () => {
    // The map's world view: 84° N to 57° S.
    const top = at(0, 84)[1];
    const world: [number, number, number, number] = [0, top, 800, at(0, -57)[1] - top];
    const no = boxOf('NO');
    const [x, y, w, h] = fitView(no, world, 800 / 12);
    expect(w / h).toBeCloseTo(world[2] / world[3], 6);
    expect(x).toBeLessThan(no[0]);
    // Svalbard is Norway's too; the view stops at the world view's top.
    expect(y).toBe(Math.max(world[1], y));
    expect(y).toBeLessThanOrEqual(no[1]);
    expect(x + w).toBeGreaterThan(no[2]);
    expect(y + h).toBeGreaterThan(no[3]);
    // Luxembourg is a few pixels wide: the view stays at the smallest size.
    expect(fitView(boxOf('LU'), world, 800 / 12)[2]).toBeCloseTo(800 / 12, 6);
    // Near the edge the view moves inside the world rather than past it.
    const nz = fitView(boxOf('NZ'), world, 800 / 12);
    expect(nz[0] + nz[2]).toBeLessThanOrEqual(800);
    expect(fitView([0, top, 800, world[3] + 10], world, 10)).toEqual(world);
  });
});
