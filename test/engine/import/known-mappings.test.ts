// KnownMappings names an address after the newest mapping that contains it, forgetting mappings
// unmapped whole: checked against a scan of every mapping, through random adds and forgets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KnownMappings } from '../../../server/src/engine/import/known-mappings';

type Op =
  | { kind: 'add'; start: number; pages: number }
  | { kind: 'forget'; start: number; pages: number }
  | { kind: 'ask'; at: number };

test('containing() is the newest live mapping containing the address', () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('add' as const),
      start: fc.integer({ min: 0, max: 100 }),
      pages: fc.integer({ min: 1, max: 30 }),
    }),
    fc.record({
      kind: fc.constant('forget' as const),
      start: fc.integer({ min: 0, max: 100 }),
      pages: fc.integer({ min: 1, max: 40 }),
    }),
    fc.record({ kind: fc.constant('ask' as const), at: fc.integer({ min: 0, max: 140 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const known = new KnownMappings();
      const all: { name: string; start: bigint; end: bigint; live: boolean }[] = [];
      for (const o of ops) {
        if (o.kind === 'add') {
          const m = {
            name: `m${all.length + 1}`,
            start: BigInt(o.start),
            end: BigInt(o.start + o.pages),
            live: true,
          };
          all.push(m);
          known.add(m.name, m.start, m.end);
        } else if (o.kind === 'forget') {
          const start = BigInt(o.start);
          const end = BigInt(o.start + o.pages);
          for (const m of all) if (m.start >= start && m.end <= end) m.live = false;
          known.forget(start, end);
        } else {
          const at = BigInt(o.at);
          const expected = [...all].reverse().find((m) => m.live && m.start <= at && at < m.end);
          assert.equal(known.containing(at)?.name, expected?.name);
        }
      }
    }),
    { numRuns: 500 },
  );
});
