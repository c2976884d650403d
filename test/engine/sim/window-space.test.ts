// The first fit in the 32-bit window (Simulation.findWindowSpace) is found by the VMA set's gap
// search; it must answer what a walk over every gap (windowGaps) answers, whatever the layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from '../../../server/src/engine/syntax/parser';
import { runScenario } from '../../../server/src/engine/sim/run';
import { alignUp } from '../../../server/src/engine/numbers';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { hoverAt } from '../../../server/src/engine/features/hover';

const PAGE = 0x1000;

function firstFitByGaps(
  gaps: readonly [bigint, bigint][],
  size: bigint,
  alignment: bigint,
): bigint | undefined {
  for (const [start, end] of gaps) {
    const candidate = alignUp(start, alignment);
    if (candidate + size <= end) return candidate;
  }
  return undefined;
}

test('findWindowSpace is the first aligned fit among the window gaps', () => {
  fc.assert(
    fc.property(
      // Mappings placed in the first 4 MiB of a 4 MiB window, by page.
      fc.array(
        fc.record({ page: fc.integer({ min: 0, max: 1023 }), pages: fc.integer({ min: 1, max: 40 }) }),
        {
          maxLength: 40,
        },
      ),
      fc.array(fc.record({ pages: fc.integer({ min: 1, max: 300 }), align: fc.constantFrom(1, 4, 16) }), {
        minLength: 1,
        maxLength: 8,
      }),
      (maps, queries) => {
        const lines = ['scenario "w" {', '  window 0x10_0000 .. 0x50_0000'];
        maps.forEach((m, i) => {
          const at = 0x10_0000 + m.page * PAGE;
          const pages = Math.min(m.pages, 1024 - m.page);
          lines.push(`  r${i} = mmap ${pages * 4}KiB rw private anon at 0x${at.toString(16)} fixed by wine`);
        });
        lines.push('}');
        const text = lines.join('\n');
        const run = runScenario(parse(text).scenarios[0]!, text);
        const sim = run.simulation;
        const gaps = sim.windowGaps();
        // The stats a window-exhausted message quotes, summed over the same gaps.
        const sizes = gaps.map(([s, e]) => e - s);
        const stats = sim.windowStats();
        assert.equal(
          stats.freeBytes,
          sizes.reduce((a, b) => a + b, 0n),
        );
        assert.equal(
          stats.largestFree,
          sizes.reduce((a, b) => (b > a ? b : a), 0n),
        );
        // The largest block the message says Wine can use is what its search can hand out: a
        // request fits exactly when it is no larger.
        const granularity = sim.platform.allocationGranularity;
        const usable = gaps.map(([s, e]) => {
          const aligned = alignUp(s, granularity);
          return aligned < e ? e - aligned : 0n;
        });
        assert.equal(
          stats.largestUsable,
          usable.reduce((a, b) => (b > a ? b : a), 0n),
        );
        assert.equal(stats.gaps, gaps.length);
        for (const q of queries) {
          const size = BigInt(q.pages * PAGE);
          const alignment = BigInt(q.align * PAGE);
          assert.equal(sim.findWindowSpace(size, alignment), firstFitByGaps(gaps, size, alignment));
          assert.equal(sim.findWindowSpace(size, granularity) !== undefined, size <= stats.largestUsable);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('findWindowSpace stays the first fit through allocations and frees (its per-size memo of where fits start)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.record({
            kind: fc.constant('alloc' as const),
            // Few sizes, so that a size is asked again after frees and fixed maps below its last fit.
            pages: fc.constantFrom(1, 3, 16),
            align: fc.constantFrom(1, 16),
          }),
          fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }),
          fc.record({
            kind: fc.constant('fixed' as const),
            page: fc.integer({ min: 0, max: 1023 }),
            pages: fc.integer({ min: 1, max: 8 }),
          }),
        ),
        { maxLength: 60 },
      ),
      (ops) => {
        const text = 'scenario "w" {\n  window 0x10_0000 .. 0x50_0000\n}\n';
        const sim = runScenario(parse(text).scenarios[0]!, text).simulation;
        const live: [bigint, bigint][] = [];
        for (const op of ops) {
          if (op.kind === 'alloc') {
            const size = BigInt(op.pages * PAGE);
            const alignment = BigInt(op.align * PAGE);
            const expected = firstFitByGaps(sim.windowGaps(), size, alignment);
            const got = sim.findWindowSpace(size, alignment);
            assert.equal(got, expected);
            if (got !== undefined) {
              sim.mmap('wine', {
                addr: got,
                length: size,
                prot: 3,
                flags: 0x22 | 0x100000,
                fd: -1,
                offset: 0n,
              });
              live.push([got, size]);
            }
          } else if (op.kind === 'free' && live.length > 0) {
            const [addr, size] = live.splice(op.pick % live.length, 1)[0]!;
            sim.munmap('wine', addr, size);
          } else if (op.kind === 'fixed') {
            const addr = BigInt(0x10_0000 + op.page * PAGE);
            sim.mmap('app', {
              addr,
              length: BigInt(op.pages * PAGE),
              prot: 3,
              flags: 0x22 | 0x10,
              fd: -1,
              offset: 0n,
            });
          }
        }
      },
    ),
    { numRuns: 1000 },
  );
});

test('window-exhausted says how many mappings the window holds, and whose: how many maps fitted', () => {
  const text = `scenario "budget" {
  window 0x1_0000 .. 0x31_0000
  strategy placed
  a = vkAllocateMemory 1MiB host-visible
  pa = vkMapMemory a
  b = vkAllocateMemory 1MiB host-visible
  pb = vkMapMemory b
  c = vkAllocateMemory 2MiB host-visible
  pc = vkMapMemory c
}
`;
  const messages = analyseDocument(text)
    .diagnostics.filter((d) => d.code === 'window-exhausted')
    .map((d) => d.message);
  assert.equal(messages.length, 1, messages.join(' | '));
  assert.match(messages[0]!, /; 2 mappings lie in it \(driver 2\)$/);
});

// A scenario's process is an ordinary one: a fixed map below vm.mmap_min_addr (4096) is EPERM.
// Wine's allocator starts at address_space_start (0x10000), so a window that starts at 0 must
// still get Wine's window space from 64 KiB up.
for (const strategy of ['shadow-copy', 'placed', 'remap-move', 'external-memory-host']) {
  test(`with \`window 0 .. …\`, ${strategy} allocates window space from Wine's address_space_start (64 KiB), not 0`, () => {
    const text = `scenario "s" {
  window 0 .. 0x7fff_0000
  strategy ${strategy}
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 4
}
`;
    const errors = analyseDocument(text)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.code}: ${d.message}`);
    assert.deepEqual(errors, []);
    const run = runScenario(parse(text).scenarios[0]!, text);
    const low = run.simulation.findWindowSpace(0x1_0000n, 0x1_0000n);
    assert.ok(low !== undefined && low >= 0x1_0000n, `next fit ${low}`);
  });
}

test('a window allocation whose mmap the kernel refuses gives no address: the caller fails as for a full window', () => {
  // The first fit (0x1_0000, 1 MiB) ends past TASK_SIZE, so Wine's fixed mmap is ENOMEM. Before,
  // external-memory-host carried on with 0x1_0000 as the host pointer and the write faulted.
  const text = `scenario "s" {
  task-size 0x8_0000
  strategy external-memory-host
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 4
}
`;
  const codes = analyseDocument(text).diagnostics.map((d) => d.code);
  assert.ok(codes.includes('kernel-refused'), codes.join(', '));
  assert.ok(!codes.includes('access-fault'), codes.join(', '));
  assert.ok(codes.includes('use-of-failed-result'), codes.join(', '));
});

test('with `window 0 .. …` the room a window-exhausted message counts is what Wine can hand out, from 64 KiB', () => {
  // 2 MiB of window, of which Wine can use 2 MiB - 64 KiB: a 2 MiB map does not fit, and the
  // message must not say 2 MiB is free (it said "fragmented" with 2 MiB free in one block).
  const text = `scenario "s" {
  window 0 .. 0x20_0000
  strategy shadow-copy
  mem = vkAllocateMemory 2MiB host-visible coherent
  p = vkMapMemory mem
}
`;
  const messages = analyseDocument(text)
    .diagnostics.filter((d) => d.code === 'window-exhausted')
    .map((d) => d.message);
  assert.equal(messages.length, 1, messages.join(' | '));
  assert.match(
    messages[0]!,
    /: only ≈1\.9 MiB \(1984 KiB\) is free \(largest block ≈1\.9 MiB \(1984 KiB\)\)/,
  );
});

for (const platform of ['', '  platform macos\n']) {
  test(`alias${platform ? ' (macOS)' : ''}: a refused window reservation fails the map as a full window does, with no remap into it`, () => {
    const text = `scenario "t" {
${platform}  task-size 0x4000_0000
  mmap-base 0x3000_0000
  window 0x5000_0000 .. 0x7fff_0000
  strategy alias
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
  expect p == VK_ERROR_OUT_OF_HOST_MEMORY
}
`;
    const refused = analyseDocument(text)
      .diagnostics.filter((d) => d.code === 'kernel-refused' || d.code === 'expectation-failed')
      .map((d) => `${d.code}: ${d.message}`);
    // One refusal, the reservation's mmap: no mremap / mach_vm_remap / munmap of a range Wine never got.
    assert.equal(refused.length, 1, refused.join(' | '));
    assert.match(refused[0]!, /^kernel-refused: .*mmap/);
  });
}

test('a refused window mmap is named as the reason of the failed map, not a full window', () => {
  const text = `scenario "t" {
  task-size 0x8_0000
  strategy placed
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
}
`;
  const hover = hoverAt(analyseDocument(text), text.indexOf('vkMapMemory'))?.markdown ?? '';
  assert.match(hover, /VK_ERROR_OUT_OF_HOST_MEMORY\*\* — Wine's mmap of the window range failed with ENOMEM/);
  assert.doesNotMatch(hover, /found no room/);
});

/** The window-exhausted messages of a scenario. */
function exhausted(text: string): string[] {
  return analyseDocument(text)
    .diagnostics.filter((d) => d.code === 'window-exhausted')
    .map((d) => d.message);
}

// Wine places views on 64 KiB boundaries, so a gap that starts off a boundary is not all usable:
// the message said a 1012 KiB block was free and called the window fragmented while refusing
// 960 KiB. The usable part runs from the gap's first boundary to its end (the request is
// page-granular, as Wine's), 0x2_0000..0x10_f000 here.
test('window-exhausted: a free block large enough but for the 64 KiB granularity says so, and the part Wine can use', () => {
  const messages = exhausted(`scenario "granularity" {
  strategy placed
  window 0x1_0000 .. 0x11_0000
  h1 = mmap 4KiB rw private anon at 0x1_1000 fixed
  h2 = mmap 4KiB rw private anon at 0x10_f000 fixed
  m = vkAllocateMemory 960KiB host-visible
  p = vkMapMemory m
}
`);
  assert.deepEqual(messages, [
    'no 960 KiB block is free in the 32-bit window 0x1_0000..0x11_0000: 1016 KiB is free in total; the largest free block is 1012 KiB, but Wine places views on 64 KiB boundaries, so only 956 KiB of it is usable; 2 mappings lie in it (host 2)',
  ]);
});

test('window-exhausted: one free gap is never called fragmented', () => {
  const messages = exhausted(`scenario "granularity 2" {
  strategy shadow-copy
  lo = reserve 0x7fde_1000 at 0x1_0000 by host
  hi = reserve 0x10_1000 at 0x7fee_f000 by host
  m = vkAllocateMemory 960KiB host-visible
  p = vkMapMemory m
}
`);
  assert.deepEqual(messages, [
    'no 960 KiB block is free in the 32-bit window 0x1_0000..0x8000_0000: ≈1.1 MiB (1080 KiB) is free in total; the largest free block is 1016 KiB, but Wine places views on 64 KiB boundaries, so only 956 KiB of it is usable; 2 mappings lie in it (host 2)',
  ]);
});

test('window-exhausted: enough in total but in several gaps, each too small, is fragmented, with the largest block Wine can use', () => {
  // Gaps 0x1_0000..0x7_1000 (452 KiB) and 0x7_2000..0x11_0000 (632 KiB, usable from 0x8_0000).
  const messages = exhausted(`scenario "fragmented" {
  strategy shadow-copy
  window 0x1_0000 .. 0x11_0000
  h = mmap 4KiB rw private anon at 0x7_1000 fixed
  m = vkAllocateMemory 960KiB host-visible
  p = vkMapMemory m
}
`);
  assert.deepEqual(messages, [
    'no 960 KiB block is free in the 32-bit window 0x1_0000..0x11_0000: 1020 KiB is free in total, but fragmented — the largest free block is 632 KiB, of which Wine can use 576 KiB from its first 64 KiB boundary; 1 mapping lies in it (host 1)',
  ]);
});
