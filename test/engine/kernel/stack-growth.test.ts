// MAP_GROWSDOWN: a touch below the VMA grows it (expand_downwards through the x86 fault path).
// Each rule with a touch that triggers it and one that does not; checked on Linux 6.18.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { fill, lines, MiB, mmap, O, ok, PG, PRIV_ANON, readByte, space } from './helpers';

const G = 0x7f0001000000n;
const HERE = PRIV_ANON | T.MAP_FIXED_NOREPLACE;
const GROWSDOWN = HERE | T.MAP_GROWSDOWN;

function signal(r: T.AccessResult): string {
  if (r.ok) assert.fail('expected a fault');
  return r.signal;
}

test('a read or write below a growsdown VMA grows it down to the touched page; vm_pgoff goes down with it', () => {
  const as = space();
  ok(mmap(as, 4n * PG, { addr: G, flags: GROWSDOWN, label: 'g' }));
  assert.equal(readByte(as, G - PG), 0);
  assert.equal(readByte(as, G - MiB), 0);
  assert.deepEqual(lines(as), ['7f0000f00000-7f0001004000 3'], 'the survey: 7f0000f00000-7f0001004000');
  const g = as.vmaAt(Number((G - MiB) / PG)) as T.Vma;
  assert.equal(g.pgoff, Number((G - MiB) / PG));
  assert.equal(g.label, 'g', 'the grown part belongs to the mapping');
  fill(as, G - MiB - 2n * PG, PG, 0x41);
  assert.equal(readByte(as, G - MiB - 2n * PG), 0x41);
  assert.equal(lines(as)[0], '7f0000efe000-7f0001004000 3');
});

test('the growth is a change of the step that touched: the timeline has it after that step, not before', () => {
  const as = space();
  ok(mmap(as, 4n * PG, { addr: G, flags: GROWSDOWN }));
  as.markStep(0);
  assert.ok(as.read(G - 3n * PG, 1n, O).ok);
  as.markStep(1);
  assert.equal(as.vmasAt(0)[0]?.startPage, Number(G / PG));
  assert.equal(as.vmasAt(1)[0]?.startPage, Number(G / PG) - 3);
});

test('no growth below a VMA without VM_GROWSDOWN, and an access from a gap into a growsdown VMA grows it first', () => {
  const as = space();
  ok(mmap(as, 4n * PG, { addr: G, flags: HERE }));
  assert.equal(signal(as.read(G - PG, 1n, O)), 'SIGSEGV');
  const s = ok(mmap(as, 4n * PG, { addr: G + 0x1000000n, flags: GROWSDOWN }));
  const r = as.read(s - 10n, 20n, O);
  assert.ok(r.ok, 'the general walk: one access across the old vm_start');
  assert.equal(as.vmaAt(Number(s / PG) - 1)?.endPage, Number(s / PG) + 4);
});

test('stack_guard_gap: an accessible VMA below within 256 pages refuses the growth; PROT_NONE or growsdown below does not', () => {
  const as = space();
  const below = 0x7f0000e00000n;
  ok(mmap(as, PG, { addr: below, flags: HERE, label: 'x' }));
  ok(mmap(as, 4n * PG, { addr: G, flags: GROWSDOWN }));
  const near = as.read(below + PG + 255n * PG, 1n, O);
  assert.equal(signal(near), 'SIGSEGV');
  assert.match(near.ok ? '' : near.reason, /stack_guard_gap .* the mapping `x`/);
  assert.ok(as.read(below + PG + 256n * PG, 1n, O).ok, 'exactly stack_guard_gap above x: allowed');
  // Checked on 6.18: a PROT_NONE page right below does not count.
  const as2 = space();
  ok(mmap(as2, PG, { addr: 0x7f0010000000n, flags: HERE, prot: T.PROT_NONE }));
  ok(mmap(as2, 4n * PG, { addr: 0x7f0010004000n, flags: GROWSDOWN }));
  fill(as2, 0x7f0010001000n, PG, 1);
  assert.deepEqual(lines(as2), ['7f0010000000-7f0010001000 0', '7f0010001000-7f0010008000 3']);
  // Nor does another growsdown VMA.
  const as3 = space();
  ok(mmap(as3, PG, { addr: 0x7f0010000000n, flags: GROWSDOWN }));
  ok(mmap(as3, 4n * PG, { addr: 0x7f0010004000n, flags: GROWSDOWN }));
  assert.ok(as3.read(0x7f0010001000n, 1n, O).ok);
});

test('RLIMIT_STACK (8 MiB assumed): the grown VMA may be exactly 8 MiB, not a page more', () => {
  const as = space();
  const s = ok(mmap(as, 4n * PG, { addr: 0x7f0020000000n, flags: GROWSDOWN }));
  const top = s + 4n * PG;
  const over = as.read(top - 8n * MiB - PG, 1n, O);
  assert.equal(signal(over), 'SIGSEGV');
  assert.match(over.ok ? '' : over.reason, /RLIMIT_STACK/);
  assert.ok(as.read(top - 8n * MiB, 1n, O).ok);
  assert.deepEqual(lines(as), ['7f001f804000-7f0020004000 3']);
});

test('RLIMIT_AS (may_expand_vm) and mmap_min_addr refuse a growth', () => {
  const as = space('6.18', { rlimitAs: 8n * PG });
  ok(mmap(as, 4n * PG, { addr: G, flags: GROWSDOWN }));
  assert.ok(as.read(G - 4n * PG, 1n, O).ok);
  assert.equal(signal(as.read(G - 5n * PG, 1n, O)), 'SIGSEGV');
  const low = space();
  ok(mmap(low, 4n * PG, { addr: 0x11000n, flags: GROWSDOWN }));
  assert.ok(low.read(0x10000n, 1n, O).ok);
  ok(low.munmap(0x10000n, 5n * PG, O));
  ok(mmap(low, 4n * PG, { addr: 0x10000n, flags: GROWSDOWN }));
  const r = low.read(0xf000n, 1n, O);
  assert.equal(signal(r), 'SIGSEGV');
  assert.match(r.ok ? '' : r.reason, /mmap_min_addr/);
});

test('a growsdown VMA that forbids the access still grows, then the access faults (lock_mm_and_find_vma, then access_error)', () => {
  const as = space();
  ok(mmap(as, 4n * PG, { addr: G, flags: GROWSDOWN, prot: T.PROT_READ }));
  assert.equal(signal(as.write(G - PG, 1n, 1, O)), 'SIGSEGV');
  assert.deepEqual(
    lines(as),
    ['7f0000fff000-7f0001004000 1'],
    'checked on 6.18: 7f002ffff000-… r--p after the fault',
  );
});
