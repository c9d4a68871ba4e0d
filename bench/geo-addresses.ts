/** The addresses bench/geo-probe.ts looks up and test/node/geo.test.ts compares on. */

/** Fixed, spread-out addresses: the same for every candidate and every run. */
export function sampleAddresses(n: number): string[] {
  const out: string[] = [];
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) >>> 0;
    out.push(i % 8 === 7 ? `2a02:${(x >>> 16).toString(16)}:${(x & 0xffff).toString(16)}::1` : `${(x >>> 24) % 223 + 1}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`);
  }
  return out;
}
