// get_unmapped_area (facts 1.2, 1.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import * as T from '../../../server/src/engine/kernel/index';
import { errno, MiB, mmap, O, ok, PG, PRIV_ANON, SHARED_ANON, space } from './helpers';

test('top-down: consecutive NULL maps come back directly below each other, below mmap_base', () => {
  const as = space();
  const a = ok(mmap(as, PG));
  assert.equal(a, T.DEFAULT_MMAP_BASE - PG);
  assert.equal(ok(mmap(as, PG, { prot: T.PROT_READ })), a - PG);
  assert.equal(ok(mmap(as, PG)), a - 2n * PG);
});

test('top-down picks the highest gap that fits: a lower 2-page hole is not reused while a higher gap exists', () => {
  const as = space();
  const low = ok(mmap(as, 8n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(as.munmap(low + 2n * PG, 2n * PG, O));
  const r = ok(mmap(as, 2n * PG));
  assert.notEqual(r, low + 2n * PG);
  assert.equal(r, T.DEFAULT_MMAP_BASE - 2n * PG);
  const top = ok(mmap(as, 8n * PG, { flags: PRIV_ANON }));
  ok(as.munmap(top + 3n * PG, 2n * PG, O));
  assert.equal(ok(mmap(as, 2n * PG)), top + 3n * PG, 'a hole just below the top is the highest fitting gap');
});

test('hint: used exactly if free (rounded down), ignored completely if occupied or above TASK_SIZE', () => {
  const as = space();
  assert.equal(ok(mmap(as, PG, { addr: 0x10000000n })), 0x10000000n);
  const base = ok(mmap(as, 4n * PG));
  assert.equal(ok(mmap(as, PG, { addr: base })), base - PG, 'occupied hint: same as a NULL-hint mmap');
  assert.equal(ok(mmap(as, PG, { addr: 0x20000005n + 9n * PG })), 0x20000000n + 9n * PG);
  const high = ok(mmap(as, PG, { addr: 0x800000000000n }));
  assert.ok(high < 0x7ffffffff000n);
});

test('MAP_32BIT: bottom-up first fit in [1 GiB, 2 GiB); free hint honoured even below 1 GiB; hint above 2 GiB ignored', () => {
  const as = space();
  assert.equal(ok(mmap(as, PG, { flags: PRIV_ANON | T.MAP_32BIT })), 0x40000000n);
  assert.equal(ok(mmap(as, PG, { flags: PRIV_ANON | T.MAP_32BIT, prot: T.PROT_READ })), 0x40001000n);
  assert.equal(ok(mmap(as, PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_32BIT })), 0x20000000n);
  const r = ok(mmap(as, PG, { addr: 0x90000000n, flags: PRIV_ANON | T.MAP_32BIT }));
  assert.ok(r >= 0x40000000n && r < 0x80000000n);
  assert.equal(
    ok(mmap(as, PG, { addr: 0x300000000n, flags: PRIV_ANON | T.MAP_32BIT | T.MAP_FIXED })),
    0x300000000n,
  );
});

test('MAP_32BIT runs out after ~1 GiB: 62 chunks of 16 MiB + 4 KiB fit, then ENOMEM', () => {
  const as = space();
  let n = 0;
  for (; n < 100; n++) if (!mmap(as, 16n * MiB + PG, { flags: PRIV_ANON | T.MAP_32BIT }).ok) break;
  assert.equal(n, 63);
  assert.equal(errno(mmap(as, 16n * MiB + PG, { flags: PRIV_ANON | T.MAP_32BIT })), 'ENOMEM');
});

test('MAP_32BIT + THP: 16 MiB chunks come out 2 MiB-aligned with 2 MiB gaps (the +2 MiB quirk)', () => {
  const as = space();
  const got = [0, 1, 2].map(() => ok(mmap(as, 16n * MiB, { flags: PRIV_ANON | T.MAP_32BIT })));
  assert.deepEqual(got, [0x40200000n, 0x41400000n, 0x42600000n]);
});

test('MAP_ABOVE4G (6.6+): the search stays above 4 GiB, but a free hint still wins', () => {
  const as = space('6.18', { mmapBase: 0x200000000n });
  const r = ok(mmap(as, PG, { flags: PRIV_ANON | T.MAP_ABOVE4G }));
  assert.ok(r >= 0x100000000n);
  assert.equal(ok(mmap(as, PG, { addr: 0x30000000n, flags: PRIV_ANON | T.MAP_ABOVE4G })), 0x30000000n);
});

test('MAP_32BIT|MAP_ABOVE4G: MAP_32BIT jumps to the bottom-up search before the 4 GiB floor is set, so [1 GiB, 2 GiB) wins', () => {
  const as = space('6.18');
  const r = ok(mmap(as, PG, { flags: PRIV_ANON | T.MAP_32BIT | T.MAP_ABOVE4G }));
  assert.equal(r, 0x40000000n, 'as on 6.18: 0x4xxxxxxx, not ENOMEM');
  // Without MAP_32BIT the flag still sets the top-down floor: with [4 GiB, mmap_base) full, a plain
  // map goes below 4 GiB, a MAP_ABOVE4G one falls back to the bottom-up search from the legacy base.
  const low = space('6.18', { mmapBase: 0x200000000n });
  ok(mmap(low, 0x100000000n, { addr: 0x100000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  assert.equal(ok(mmap(low, PG, { prot: T.PROT_READ })), 0x100000000n - PG);
  assert.equal(ok(mmap(low, PG, { flags: PRIV_ANON | T.MAP_ABOVE4G, prot: T.PROT_READ })), 0x2aaaaaaab000n);
});

test('THP alignment (6.12+): PMD-multiple private anon without hint is 2 MiB aligned; other lengths and shared anon are not', () => {
  const as = space();
  const a = ok(mmap(as, 2n * MiB));
  assert.equal(a, 0x7ffff7c00000n, 'base 0x7ffff7fff000: padded search at base - 4 MiB, aligned up');
  assert.equal(ok(mmap(as, 4n * MiB)) % (2n * MiB), 0n);
  const odd = ok(mmap(as, 2n * MiB + PG));
  assert.notEqual(odd % (2n * MiB), 0n);
  const shared = ok(mmap(as, 2n * MiB, { flags: SHARED_ANON }));
  assert.equal(shared, odd - 2n * MiB, 'shared anon: plain placement directly below');
});

test('THP +2 MiB quirk: when the padded top-down result is already aligned, the kernel returns ret + 2 MiB', () => {
  // mmap_base 2 MiB-aligned: the padded search returns base - 4 MiB, aligned, so the result is base - 2 MiB.
  const as = space('6.18', { mmapBase: 0x7f0000000000n });
  assert.equal(ok(mmap(as, 2n * MiB)), 0x7f0000000000n - 2n * MiB);
  // Unaligned base: base - 4 MiB rounded up to 2 MiB.
  const bs = space('6.18', { mmapBase: 0x7f0000100000n });
  assert.equal(ok(mmap(bs, 2n * MiB)), 0x7f0000000000n - 2n * MiB);
});

test('THP +2 MiB quirk from 6.8 (96204e15310c, after 6.7 was released): 6.7 returns an already aligned padded result as is', () => {
  // /tmp/kver-inputs/thp-quirk.drvmap: the gap below 0x7fff_f7e0_0000 is aligned, so the padded
  // search returns 0x7fff_f7a0_0000, already on a 2 MiB boundary.
  const place = (version: string) => {
    const as = space(version);
    ok(mmap(as, 0x1ff000n, { addr: 0x7ffff7e00000n, flags: PRIV_ANON | T.MAP_FIXED }));
    return ok(mmap(as, 2n * MiB));
  };
  assert.equal(place('6.7'), 0x7ffff7a00000n, '6.7: `ret += (off - ret) & (size - 1)` adds nothing');
  assert.equal(place('6.8'), 0x7ffff7c00000n, '6.8: `return ret + size`');
});

test('THP history: none before 6.7; 6.7–6.11 any length ≥ 2 MiB; 6.12+ PMD multiples only', () => {
  const v66 = space('6.6', { mmapBase: 0x7f0000100000n });
  assert.equal(ok(mmap(v66, 2n * MiB)), 0x7f0000100000n - 2n * MiB);
  const v610 = space('6.10', { mmapBase: 0x7f0000100000n });
  assert.equal(ok(mmap(v610, 2n * MiB + PG)) % (2n * MiB), 0n);
  const v612 = space('6.12', { mmapBase: 0x7f0000100000n });
  assert.notEqual(ok(mmap(v612, 2n * MiB + PG)) % (2n * MiB), 0n);
  const nothp = space('6.18', { thp: false, mmapBase: 0x7f0000100000n });
  assert.equal(ok(mmap(nothp, 2n * MiB)), 0x7f0000100000n - 2n * MiB);
});

test('THP with a hint: 6.7–6.12 search the padded length at the hint and align elsewhere if it does not fit; 6.13+ (249608ee4713) leave a hinted map unaligned', () => {
  // /tmp/kver-inputs/thp-hint2.drvmap: the hint is free for 2 MiB, but b starts right after it.
  const hintWithNeighbour = (version: string) => {
    const as = space(version);
    ok(mmap(as, 2n * MiB, { addr: 0x40200000n, flags: PRIV_ANON | T.MAP_FIXED }));
    return ok(mmap(as, 2n * MiB, { addr: 0x40000000n }));
  };
  assert.equal(
    hintWithNeighbour('6.11'),
    0x7ffff7c00000n,
    '6.11: padded search misses the hint, aligned top-down',
  );
  assert.equal(
    hintWithNeighbour('6.12'),
    0x7ffff7c00000n,
    '6.12: d4148aeab412 kept the hint in the THP path',
  );
  assert.equal(hintWithNeighbour('6.13'), 0x40000000n, '6.13: `!addr`, the plain search takes the free hint');
  // /tmp/kver-inputs/h-6.1x.drvmap: an occupied hint.
  const occupiedHint = (version: string) => {
    const as = space(version);
    ok(mmap(as, 16n * PG, { addr: 0x10000000n, flags: PRIV_ANON | T.MAP_FIXED }));
    return ok(mmap(as, 2n * MiB, { addr: 0x10000000n }));
  };
  assert.equal(occupiedHint('6.12'), 0x7ffff7c00000n, '6.12: aligned');
  assert.equal(occupiedHint('6.13'), 0x7ffff7dff000n, '6.13: plain top-down, directly below mmap_base');
  // A hint with room for the padding is kept on every version.
  for (const version of ['6.11', '6.12', '6.13']) {
    const as = space(version);
    assert.equal(ok(mmap(as, 2n * MiB, { addr: 0x40000000n })), 0x40000000n, version);
  }
});

test('the 1 MiB stack guard gap is kept only below VM_GROWSDOWN VMAs', () => {
  const as = space();
  const stack = ok(mmap(as, 4n * PG, { flags: PRIV_ANON | T.MAP_GROWSDOWN }));
  const below = ok(mmap(as, PG));
  assert.equal(below, stack - MiB - PG);
  const plain = ok(mmap(as, PG));
  assert.equal(ok(mmap(as, PG, { prot: T.PROT_READ })), plain - PG);
  assert.notEqual(
    ok(mmap(as, PG, { addr: stack - PG })),
    stack - PG,
    'a hint inside the guard gap is not free',
  );
  const noGuard = ok(mmap(as, PG, { addr: 0x20000000n, prot: T.PROT_READ }));
  assert.equal(ok(mmap(as, PG, { addr: noGuard - PG })), noGuard - PG, 'no guard gap below an ordinary VMA');
});

test('legacy layout: bottom-up from TASK_SIZE/3, hint used if free', () => {
  const as = space('6.18', { layout: 'legacy', mmapBase: T.legacyMmapBase(T.defaultKernelConfig()) });
  const a = ok(mmap(as, PG));
  const b = ok(mmap(as, PG, { prot: T.PROT_READ }));
  assert.equal(a, 0x2aaaaaaab000n);
  assert.equal(b, a + PG);
});

test('`layout legacy` in a scenario starts at TASK_SIZE/3, not at the top-down base; `mmap-base` still moves it', () => {
  const problems = (settings: string, expected: string) =>
    analyseDocument(
      `scenario "l" {\n  ${settings}\n  a = mmap 4KiB rw private anon\n  expect a == ${expected}\n}\n`,
    ).diagnostics.map((d) => d.message);
  assert.deepEqual(problems('layout legacy', '0x2aaa_aaaa_b000'), []);
  assert.deepEqual(problems('layout legacy\n  mmap-base 0x1000_0000', '0x1000_0000'), []);
  assert.deepEqual(problems('layout topdown', '0x7fff_f7ff_e000'), []);
});

test('no room: ENOMEM', () => {
  const as = space('6.18', { taskSize: 0x40000000n, mmapBase: 0x40000000n });
  ok(mmap(as, 0x30000000n));
  assert.equal(errno(mmap(as, 0x30000000n)), 'ENOMEM');
});

test('arm64 has no MAP_32BIT or MAP_ABOVE4G (linux-mm §1.3): the bits are ignored, the map goes top-down like mmap(NULL)', () => {
  const as = space('6.18', { arch: 'arm64' });
  const plain = ok(mmap(as, PG, { flags: PRIV_ANON | T.MAP_32BIT }));
  assert.equal(plain, T.DEFAULT_MMAP_BASE - PG, 'top-down from mmap_base, not 0x4000_0000');
  const high = space('6.18', { arch: 'arm64', mmapBase: 0x200000000n });
  ok(mmap(high, 0x100000000n, { addr: 0x100000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  // With [4 GiB, mmap_base) full, an x86 MAP_ABOVE4G map falls back to the legacy base; on arm64 the
  // bit means nothing and the map goes just below 4 GiB, as a plain one does.
  assert.equal(ok(mmap(high, PG, { flags: PRIV_ANON | T.MAP_ABOVE4G })), 0x100000000n - PG);
});

test('`arch`: 16 and 64 KiB pages imply arm64, where `32bit` is ignored; `arch arm64` with 4 KiB pages too; x86-64 with 16 KiB pages is refused', () => {
  const result = (settings: string) =>
    analyseDocument(
      `scenario "a" {\n  ${settings}\n  a = mmap 4KiB rw private anon 32bit\n  expect a != 0x4000_0000\n}\n`,
    ).diagnostics.map((d) => `${d.code}: ${d.message}`);
  assert.deepEqual(result('page-size 16KiB'), []);
  assert.deepEqual(result('page-size 64KiB'), []);
  assert.deepEqual(result('arch arm64'), []);
  assert.deepEqual(result('page-size 16KiB\n  arch arm64'), []);
  const x86 = result('arch x86_64');
  assert.equal(x86.length, 1);
  assert.match(x86[0]!, /^expectation-failed/);
  const fictional = result('arch x86_64\n  page-size 16KiB');
  assert.ok(
    fictional.some(
      (m) =>
        m ===
        "number-out-of-range: x86-64 pages are 4 KiB; 16 KiB pages are an arm64 kernel's (`arch arm64`). The page size stays 4 KiB",
    ),
    fictional.join('\n'),
  );
  assert.match(result('arch riscv')[0]!, /^unknown-word: `riscv` is not an arch/);
});
