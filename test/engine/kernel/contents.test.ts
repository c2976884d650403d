// Symbolic contents (facts 3.5, 3.6): aliases, private copies, faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../server/src/engine/kernel/index';
import { fill, mmap, mremap, O, ok, PG, readByte, space } from './helpers';

test('two shared mappings of one memfd alias each other; reads return coalesced segments', () => {
  const as = space();
  const f = as.openFile({
    kind: 'memfd',
    name: 'wow64buf',
    sizeBytes: 4n * PG,
    readable: true,
    writable: true,
  });
  const hi = ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: f.fd }));
  const lo = ok(mmap(as, 4n * PG, { addr: 0x30000000n, flags: T.MAP_SHARED | T.MAP_FIXED, fd: f.fd }));
  const tag = as.registerTag('driver-data');
  assert.ok(tag >= 256);
  assert.equal(as.tagName(tag), 'driver-data');
  const w = as.write(hi + 0x100n, 64n, tag, O);
  assert.ok(w.ok);
  const r = as.read(lo, 0x200n, O);
  assert.ok(r.ok);
  assert.deepEqual(
    r.segments.map((s) => [s.offset, s.length, s.datum]),
    [
      [0n, 0x100n, 0],
      [0x100n, 64n, tag],
      [0x140n, 0xc0n, 0],
    ],
  );
});

test('private file mappings copy on write; other mappings of the file do not see the copy', () => {
  const as = space();
  const f = as.openFile({
    kind: 'regular',
    name: '/tmp/f',
    sizeBytes: 2n * PG,
    readable: true,
    writable: true,
    initialDatum: 0x46,
  });
  const shared = ok(mmap(as, 2n * PG, { flags: T.MAP_SHARED, fd: f.fd }));
  const priv = ok(mmap(as, 2n * PG, { flags: T.MAP_PRIVATE, fd: f.fd }));
  fill(as, priv + 10n, 1n, 0x43);
  assert.equal(readByte(as, priv + 10n), 0x43);
  assert.equal(readByte(as, priv + 11n), 0x46, 'the rest of the COW page is the file copy');
  assert.equal(readByte(as, shared + 10n), 0x46);
  fill(as, shared + PG, 1n, 0x5a);
  assert.equal(readByte(as, priv + PG), 0x5a, 'an untouched private page still shows the file');
});

test('SIGSEGV: unmapped, PROT_NONE, write to read-only; x86: a write-only page is readable', () => {
  const as = space();
  const none = ok(mmap(as, PG, { prot: T.PROT_NONE }));
  const ro = ok(mmap(as, PG, { prot: T.PROT_READ }));
  const wo = ok(mmap(as, PG, { prot: T.PROT_WRITE }));
  const sig = (r: T.AccessResult): string => (r.ok ? 'ok' : r.signal);
  assert.equal(sig(as.read(0x10000000n, 1n, O)), 'SIGSEGV');
  assert.equal(sig(as.read(none, 1n, O)), 'SIGSEGV');
  assert.equal(sig(as.write(ro, 1n, 1, O)), 'SIGSEGV');
  assert.equal(sig(as.read(ro, 1n, O)), 'ok');
  assert.equal(sig(as.read(wo, 1n, O)), 'ok');
});

test('a write is applied page by page up to the fault and reports what was done', () => {
  const as = space();
  const a = ok(
    mmap(as, 2n * PG, { addr: 0x20000000n, flags: T.MAP_PRIVATE | T.MAP_ANONYMOUS | T.MAP_FIXED }),
  );
  const w = as.write(a + PG, 2n * PG, 9, O);
  assert.equal(w.ok, false);
  if (!w.ok) {
    assert.equal(w.address, a + 2n * PG);
    assert.deepEqual(
      w.segments.map((s) => s.length),
      [PG],
    );
  }
  assert.equal(readByte(as, a + PG), 9);
});

test('SIGBUS past the end of a shared object (a mapping longer than the memfd)', () => {
  const as = space();
  const f = as.openFile({
    kind: 'memfd',
    name: 'small',
    sizeBytes: PG + 100n,
    readable: true,
    writable: true,
  });
  const a = ok(mmap(as, 4n * PG, { flags: T.MAP_SHARED, fd: f.fd }));
  assert.ok(as.read(a + PG + 200n, 1n, O).ok, 'the partial last page is readable');
  const r = as.read(a + 2n * PG, 1n, O);
  assert.equal(r.ok ? 'ok' : r.signal, 'SIGBUS');
});

test('private anonymous pages move with mremap; MAP_FIXED over them starts from zero', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG));
  fill(as, a, 4n * PG, 0x31);
  const b = ok(mremap(as, a, 4n * PG, 4n * PG, T.MREMAP_MAYMOVE | T.MREMAP_FIXED, 0x30000000n));
  assert.equal(readByte(as, b, 4n * PG), 0x31);
  const c = ok(mmap(as, 4n * PG, { addr: a, flags: T.MAP_PRIVATE | T.MAP_ANONYMOUS | T.MAP_FIXED }));
  assert.equal(readByte(as, c, 4n * PG), 0);
  assert.equal(as.read(b, 1n, O).ok ? readByte(as, b) : -1, 0x31);
});

test('faults counts pages that had no data yet', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG));
  const first = as.read(a, 2n * PG, O);
  assert.ok(first.ok && first.faults === 2);
  fill(as, a, PG, 1);
  const second = as.read(a, 2n * PG, O);
  assert.ok(second.ok && second.faults === 1);
});
