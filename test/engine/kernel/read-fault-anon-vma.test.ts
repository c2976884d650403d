// KernelConfig.readFaultPreparesAnonVma: whether a read fault gives a private anonymous VMA its
// anon_vma. Mainline maps the zero page and does not; the fidelity machine's kernel does
// (test/fidelity/kernel-quirks.ts probes it). The anon_vma decides whether split halves merge back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/types';
import { O, PG, PRIV_ANON, RW, mmap, ok, readByte, space } from './helpers';

/** Two pages, the upper made read-only, both read, the upper made writable again: the mappings. */
function splitReadRejoin(readFaultPreparesAnonVma: boolean): number {
  const as = space('6.18', { readFaultPreparesAnonVma });
  const a = ok(mmap(as, 2n * PG, { prot: RW, flags: PRIV_ANON }));
  ok(as.mprotect(a + PG, PG, T.PROT_READ, O));
  assert.equal(readByte(as, a, PG), 0);
  assert.equal(readByte(as, a + PG, PG), 0);
  ok(as.mprotect(a + PG, PG, RW, O));
  return as.vmas().length;
}

test('mainline: a read maps the zero page, no anon_vma, and the halves merge back (does not fire)', () => {
  assert.equal(splitReadRejoin(false), 1);
});

test('a kernel whose read fault prepares the anon_vma: each half has its own and they stay apart', () => {
  assert.equal(splitReadRejoin(true), 2);
});

test('the default is mainline', () => {
  assert.equal(space().config.readFaultPreparesAnonVma, false);
});
