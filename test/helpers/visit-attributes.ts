/**
 * An event's visit attributes for tests and benchmarks: the ones given, and every other
 * attribute of the schema (store/schema.ts) unset, so an attribute added there needs no
 * edit here or in the tests that build events by hand.
 */
import type { VisitAttributes } from '../../server/core/ingest/event.ts';
import { attributesOf } from '../../server/core/store/schema.ts';

export function visitAttributes(given: Partial<VisitAttributes> & Pick<VisitAttributes, 'channel'>): VisitAttributes {
  const unset = Object.fromEntries(attributesOf('visits').flatMap((a) => (a.written === 'event' ? [[a.field, null]] : [])));
  return { ...unset, ...given } as VisitAttributes;
}
