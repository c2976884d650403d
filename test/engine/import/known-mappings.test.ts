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

// The work a trace's lookups cost, counted (mappings moved by merges, tree nodes visited), not
// timed: n·log n for n maps. The last version merged every new mapping into one sorted list before
// the next lookup, and looked back from an address over every mapping starting less than the
// longest one's length below it; counted the same way (merged and visited), these took n²/2 to
// n² (8.4 to 16.8 million for 4,096 maps, against the bound's 393,216), and an import of 20,000
// maps at falling addresses 14.5 s.
const PAGE = 0x1000n;
const BASE = 0x7f00_0000_0000n;
const N = 4096;
const BOUND = 8 * N * Math.log2(N);

test('maps at falling addresses, each looked up before the next: n·log n work, not a merge per lookup', () => {
  const known = new KnownMappings();
  for (let i = N; i > 0; i--) {
    const at = BASE + BigInt(i) * 2n * PAGE;
    assert.equal(known.containing(at + PAGE), undefined, 'the page above each map is a gap');
    known.add(`m${i}`, at, at + PAGE);
  }
  assert.equal(known.containing(BASE + 2n * PAGE + 5n)?.name, 'm1');
  assert.ok(known.work <= BOUND, `work ${known.work} > ${BOUND}`);
});

test('maps inside one large reserved range: a lookup does not visit every mapping below the address', () => {
  const known = new KnownMappings();
  known.add('reserved', BASE, BASE + (1n << 40n));
  for (let i = N; i > 0; i--) {
    const at = BASE + BigInt(i) * 2n * PAGE;
    assert.equal(known.containing(at)?.name, 'reserved');
    known.add(`m${i}`, at, at + PAGE);
  }
  assert.equal(known.containing(BASE + 3n * PAGE)?.name, 'reserved');
  assert.ok(known.work <= BOUND, `work ${known.work} > ${BOUND}`);
});

test('one page mapped again and again: each map covers the last, which is not looked at again', () => {
  const known = new KnownMappings();
  for (let i = 1; i <= N; i++) {
    assert.equal(known.containing(BASE)?.name, i === 1 ? undefined : `m${i - 1}`);
    known.add(`m${i}`, BASE, BASE + PAGE);
  }
  known.forget(BASE, BASE + PAGE);
  assert.equal(known.containing(BASE), undefined);
  assert.ok(known.work <= BOUND, `work ${known.work} > ${BOUND}`);
});
