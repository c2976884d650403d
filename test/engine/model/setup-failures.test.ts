// Set-up before step 1 (the strategy's reservations, the drivers' device creation): a call the
// kernel refuses there is reported as kernel-refused, on the driver's name or the strategy line,
// and a strategy's reservation is made whole pages on any page size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';
import { classify } from '../../../server/src/engine/explore/explore';

const shown = (text: string) => analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

test("a driver's internal mappings that do not fit are kernel-refused on the driver, not silent", () => {
  const text = (pools: string) => `scenario "pools" {
  strategy mmap32
  driver gpu {
    internal-mappings ${pools}
    placed-map none
    external-memory-host no
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
}
`;
  const diagnostics = analyse(text('1100MiB')).diagnostics;
  // box64's range is what ran out (H9), and the kernel refused the mmap: both at set-up.
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['window-exhausted', 'kernel-refused'],
  );
  const refused = diagnostics[1]!;
  assert.match(
    refused.message,
    /^gpu's mmap\(NULL, 0x44c0_0000, .*MAP_32BIT.* fails with ENOMEM at set-up, before step 1: no free gap is large enough in MAP_32BIT's range, 1 GiB to 2 GiB .* gpu cannot create its device/,
  );
  for (const d of diagnostics) assert.equal(text('1100MiB').slice(d.range.start, d.range.end), 'gpu');
  assert.deepEqual(codes(text('32MiB')), []);
});

test('under the legacy layout a failed set-up mmap says the bottom-up search never looks below mmap_base', () => {
  const text = `scenario "fex legacy radv" {
  strategy reserve-high
  layout legacy
  window 0x1_0000 .. 0x1_0000_0000
  driver gpu {
    preset radv
  }
  mem = vkAllocateMemory 1MiB host-visible
}
`;
  assert.deepEqual(
    shown(text).map((d) => d.split(':')[0]),
    ['kernel-refused'],
  );
  assert.match(shown(text)[0]!, /above mmap_base: the legacy layout searches bottom-up from mmap_base/);
});

test('reserve-high reserves whole pages on 16 and 64 KiB pages, so the driver lands below 4 GiB there too', () => {
  const text = (pageSize: string) => `scenario "fex arm64" {
  strategy reserve-high
  page-size ${pageSize}
  window 0x1_0000 .. 0x1_0000_0000
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
  app writes p, 64
}
`;
  for (const pageSize of ['4KiB', '16KiB', '64KiB']) {
    // FEX itself runs on 4 KiB pages only: the larger ones carry that note (sim/fex-page-size.ts).
    assert.deepEqual(
      shown(text(pageSize)).map((d) => d.split(':')[0]),
      pageSize === '4KiB' ? [] : ['kernel-unmodelled'],
      pageSize,
    );
    const setup = analyse(text(pageSize)).scenarios[0]!.run.vulkan.setupCalls.map(
      (c) => `${c.text} ${c.result}`,
    );
    assert.ok(
      setup.some((c) => c.startsWith('mmap(0x1_0000_0000,') && c.endsWith('= 0x1_0000_0000')),
      `${pageSize}: ${setup.join('\n')}`,
    );
    assert.ok(
      callsOf(text(pageSize), 1).some((c) => /= 0xf[0-9a-f_]+$/.test(c)),
      pageSize,
    );
  }
});

test("box64's MAP_32BIT range too small at set-up is window-exhausted there too, and explore puts set-up first wherever the driver block is written", () => {
  const driver = `  driver gpu {
    internal-mappings 1100MiB
    placed-map none
    external-memory-host no
  }
`;
  const steps =
    '  mem = vkAllocateMemory 1MiB host-visible coherent\n  p = vkMapMemory mem\n  expect p == 0x1000\n';
  const before = `scenario "order" {\n  strategy mmap32\n${driver}${steps}}\n`;
  const after = `scenario "order" {\n  strategy mmap32\n${steps}${driver}}\n`;
  assert.deepEqual(codes(before), ['expectation-failed', 'kernel-refused', 'window-exhausted']);
  const verdicts = [before, after].map((text) => {
    const { verdict, first } = classify(analyse(text).scenarios[0]!.run);
    return `${verdict} ${first?.code}`;
  });
  assert.deepEqual(verdicts, ['unsafe window-exhausted', 'unsafe window-exhausted']);
});

test("on arm64 box64's search is not the 1 GiB MAP_32BIT range: pools too large for it start below 3 GiB and succeed, and no 32-bit code gets their pointer", () => {
  const text = (arch: string) => `scenario "box64" {
  strategy mmap32
${arch}  driver gpu {
    internal-mappings 2100MiB
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 64
}
`;
  assert.deepEqual(codes(text('  arch arm64\n')), []);
  assert.deepEqual(codes(text('  page-size 16KiB\n')), []);
  // find31bitBlockNearHint bounds only where a block starts (below 3 GiB, from WINE_LOWEST;
  // box64 src/custommem.c at 93fc3be), so the 2100 MiB of pools are one low block, not high: past
  // box64's Wine reservations 0x11_0000..0x3011_0000 and 0x7f00_0000..0x8200_0000, which a block
  // from 0x3011_0000 would run into (src/tools/wine_tools.c).
  const pools = analyse(text('  arch arm64\n'))
    .scenarios[0]!.run.simulation.space.kernelView()
    .find((v) => v.endPage - v.startPage === (2100 * 1024 * 1024) / 4096);
  assert.equal(pools && (BigInt(pools.startPage) * 4096n).toString(16), '82000000');
  // On x86-64 the MAP_32BIT range is what the kernel searches, and the mmap fails.
  assert.deepEqual(codes(text('')), ['kernel-refused', 'window-exhausted']);
});
