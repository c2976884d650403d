// mprotect(2) (facts 6.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { errno, lines, mmap, O, ok, PG, PRIV_ANON, space } from './helpers';
import { runOn } from './scenario-results';

const GROWSDOWN = 0x01000000;
const GROWSUP = 0x02000000;

test('unaligned address EINVAL; len 0 is a no-op (even with bad bits); len 1 rounds up to a page', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  assert.equal(errno(as.mprotect(a + 1n, PG, T.PROT_READ, O)), 'EINVAL');
  assert.equal(ok(as.mprotect(a, 0n, 0x100, O)), 0n);
  ok(as.mprotect(a, 1n, T.PROT_READ, O));
  assert.equal(as.vmaAt(Number(a / PG))?.prot, T.PROT_READ);
  assert.equal(as.vmaAt(Number(a / PG) + 1)?.prot, T.PROT_READ | T.PROT_WRITE);
});

test('unknown prot bits and GROWSDOWN|GROWSUP are EINVAL; GROWSDOWN needs a VM_GROWSDOWN VMA', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  assert.equal(errno(as.mprotect(a, PG, 0x100, O)), 'EINVAL');
  assert.equal(errno(as.mprotect(a, PG, T.PROT_READ | GROWSDOWN | GROWSUP, O)), 'EINVAL');
  assert.equal(errno(as.mprotect(a, PG, T.PROT_READ | GROWSDOWN, O)), 'EINVAL');
  const s = ok(mmap(as, 4n * PG, { flags: PRIV_ANON | T.MAP_GROWSDOWN }));
  ok(as.mprotect(s + 2n * PG, PG, T.PROT_READ | GROWSDOWN, O));
  assert.equal(as.vmaAt(Number(s / PG))?.prot, T.PROT_READ, 'GROWSDOWN extends the change to the VMA start');
});

test('a hole is ENOMEM (not EFAULT) and the VMAs before it were already changed', () => {
  const as = space();
  const a = ok(mmap(as, 8n * PG));
  ok(as.munmap(a + 4n * PG, PG, O));
  const r = as.mprotect(a, 8n * PG, T.PROT_NONE, O);
  assert.equal(errno(r), 'ENOMEM');
  assert.equal(as.vmaAt(Number(a / PG))?.prot, T.PROT_NONE, 'applied before the hole');
  assert.equal(as.vmaAt(Number(a / PG) + 5)?.prot, T.PROT_READ | T.PROT_WRITE, 'untouched after it');
  assert.ok(r.effects.some((e) => e.kind === 'protected'));
  assert.equal(errno(as.mprotect(0x10000000n, PG, T.PROT_READ, O)), 'ENOMEM');
});

test('PROT_WRITE on a MAP_SHARED mapping of a read-only fd is EACCES; on MAP_PRIVATE it is allowed', () => {
  const as = space();
  const f = as.openFile({
    kind: 'regular',
    name: '/tmp/ro',
    sizeBytes: 4n * PG,
    readable: true,
    writable: false,
  });
  const s = ok(mmap(as, PG, { prot: T.PROT_READ, flags: T.MAP_SHARED, fd: f.fd }));
  assert.equal(errno(as.mprotect(s, PG, T.PROT_READ | T.PROT_WRITE, O)), 'EACCES');
  const p = ok(mmap(as, PG, { prot: T.PROT_READ, flags: T.MAP_PRIVATE, fd: f.fd }));
  ok(as.mprotect(p, PG, T.PROT_READ | T.PROT_WRITE, O));
});

test('sealed: EPERM', () => {
  const as = space();
  const a = ok(mmap(as, 2n * PG));
  as.mseal(a, 2n * PG, O);
  assert.equal(errno(as.mprotect(a, PG, T.PROT_READ, O)), 'EPERM');
});

test('6.10–6.11 check the seal for the whole range after the start-in-a-hole and GROWSDOWN checks; 6.12+ per VMA', () => {
  /** [a, a+4p): a hole, then 3 pages, the last 2 sealed (mm/mprotect.c, 8be7258aad44). */
  const layout = (version: string) => {
    const as = space(version);
    const a = ok(mmap(as, 4n * PG, { addr: 0x7e0000000000n, flags: PRIV_ANON | T.MAP_FIXED }));
    ok(as.munmap(a, PG, O));
    ok(as.mseal(a + 2n * PG, 2n * PG, O) as T.SyscallResult);
    return { as, a };
  };
  const protAt = (as: T.AddressSpace, addr: bigint) => as.vmaAt(Number(addr / PG))?.prot;
  for (const version of ['6.10', '6.11', '6.12', '6.18']) {
    // Starts in a hole: ENOMEM comes first on every version.
    const hole = layout(version);
    assert.equal(errno(hole.as.mprotect(hole.a, 4n * PG, T.PROT_READ, O)), 'ENOMEM', version);
    // PROT_GROWSDOWN on a VMA without VM_GROWSDOWN: EINVAL comes before the seal too.
    assert.equal(
      errno(hole.as.mprotect(hole.a + 2n * PG, PG, T.PROT_READ | GROWSDOWN, O)),
      'EINVAL',
      version,
    );
    // Starts mapped, reaches the seal: EPERM; 6.10–6.11 changed nothing, 6.12+ the VMA before it.
    const seal = layout(version);
    assert.equal(errno(seal.as.mprotect(seal.a + PG, 3n * PG, T.PROT_READ, O)), 'EPERM', version);
    const perVma = version === '6.12' || version === '6.18';
    assert.equal(
      protAt(seal.as, seal.a + PG),
      perVma ? T.PROT_READ : T.PROT_READ | T.PROT_WRITE,
      `${version}: the unsealed page before the sealed VMA`,
    );
  }
  // Sealed, then a hole after it: 6.10–6.11 answer EPERM before the walk reaches the hole.
  const tail = space('6.11');
  const t = ok(mmap(tail, 3n * PG, { addr: 0x7e0000000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(tail.munmap(t + 2n * PG, PG, O));
  ok(tail.mseal(t + PG, PG, O) as T.SyscallResult);
  assert.equal(errno(tail.mprotect(t, 3n * PG, T.PROT_READ, O)), 'EPERM');
  assert.equal(protAt(tail, t), T.PROT_READ | T.PROT_WRITE, 'nothing changed');
});

test('changing the middle splits into 3; restoring the protection merges back into one', () => {
  const as = space();
  const a = ok(mmap(as, 6n * PG));
  ok(as.mprotect(a + 2n * PG, 2n * PG, T.PROT_READ, O));
  assert.equal(lines(as).length, 3);
  ok(as.mprotect(a + 2n * PG, 2n * PG, T.PROT_READ | T.PROT_WRITE, O));
  assert.equal(lines(as).length, 1);
});

test('6.2+: a never-written private mapping made read-only gives its charge back, so it merges with a read-only neighbour (one VMA to move); 6.1 keeps two', () => {
  const lines = [
    'a = mmap 4KiB rw private anon at 0x1000_0000 fixed',
    'mprotect a, 4KiB, r',
    'b = mmap 4KiB r private anon at 0x1000_1000 fixed',
    'c = mremap a, 8KiB, 8KiB, maymove | fixed, 0x2000_0000',
  ];
  assert.equal(runOn('6.2', lines).results[3], '0x2000_0000');
  // Two VMAs (VM_ACCOUNT differs): a move across both is EFAULT before 6.17.
  assert.equal(runOn('6.1', lines).results[3], 'EFAULT');
});
