// `app` is 32-bit code: what it reaches through an address above 4 GiB is the address's low 32
// bits, and pointer-outside-window tells the two cases (above 4 GiB, above the window) apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

function run(text: string) {
  const analysis = analyseDocument(text);
  return {
    diagnostics: analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
    calls: analysis.scenarios[0]!.run.simulation.records.flatMap((r) =>
      r.calls.map((c) => `${c.actor} ${c.text}`),
    ),
  };
}

test('app writing through a pointer above 4 GiB reaches its truncated value', () => {
  const { diagnostics, calls } = run(`scenario "s" {
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  w = app writes p, 4
}`);
  assert.ok(calls.includes('app write 0xf7ef_f000, 4'), calls.join('\n'));
  assert.ok(
    diagnostics.some((d) =>
      /^pointer-outside-window: 32-bit code cannot hold 0x7fff_f7ef_f000, .* so it writes 0xf7ef_f000 instead: the access faults \(SIGSEGV\)$/.test(
        d,
      ),
    ),
    diagnostics.join('\n'),
  );
  // One report for one access: pointer-outside-window says it faults, access-fault does not repeat it.
  assert.ok(!diagnostics.some((d) => d.startsWith('access-fault')), diagnostics.join('\n'));
});

test('host (64-bit) code reaches the whole address', () => {
  const { diagnostics, calls } = run(`scenario "s" {
  a = mmap 4KiB rw private anon
  w = host writes a, 4
  expect host reads a, 4 == w
}`);
  assert.deepEqual(diagnostics, []);
  assert.ok(
    calls.some((c) => /^host write 0x7fff_[0-9a-f_]+, 4$/.test(c)),
    calls.join('\n'),
  );
});

test('a pointer below 4 GiB but above the window: handed over unchanged, not truncated', () => {
  // A program that is not large-address-aware under old 32-bit Wine, an i386 guest of FEX.
  const { diagnostics } = run(`scenario "s" {
  strategy reserve-high
  large-address-aware no
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
  w = app writes p, 4
  expect app reads p, 4 == w
}`);
  const outside = diagnostics.filter((d) => d.startsWith('pointer-outside-window'));
  assert.equal(outside.length, 2, diagnostics.join('\n'));
  for (const d of outside) {
    assert.doesNotMatch(d, /truncated|VK_ERROR_OUT_OF_HOST_MEMORY/);
    assert.match(d, /fits in 32 bits/);
    assert.match(d, /not large-address-aware/);
  }
  assert.match(outside[0]!, /FEX's thunk hands it over unchanged/);
  assert.ok(!diagnostics.some((d) => d.startsWith('expectation-failed')), diagnostics.join('\n'));
});

test("an address in the last 64 KiB below 2 GiB: inside WOW64 Wine's window, nothing to report", () => {
  // Windows' user range ends at 0x7ffe_ffff (linux-mm §7.1), but WOW64 Wine's allocations search up
  // to its zero-bits limit + 1, 2 GiB (get_zero_bits_limit, map_view: dlls/ntdll/unix/virtual.c), and
  // a pointer below 2 GiB is one 32-bit code holds. mmap(NULL) below an mmap_base of 2 GiB puts the
  // driver's map in the last MiB below 2 GiB, and Wine's direct map hands it over.
  // (Not box64's MAP_32BIT: box64 holds 0x7f00_0000..0x8200_0000 for Wine, model/box64-prereserve.ts.)
  const { diagnostics } = run(`scenario "s" {
  mmap-base 0x8000_0000
  driver gpu {
    placed-map none
    external-memory-host no
  }
  strategy placed
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  app writes p + 0xf_f000, 16
}`);
  const outside = diagnostics.filter((d) => d.startsWith('pointer-outside-window'));
  assert.deepEqual(outside, [], diagnostics.join('\n'));
});

test('a pointer inside the window: app reaches it as it is, nothing to report', () => {
  const { diagnostics } = run(`scenario "s" {
  strategy placed
  mem = vkAllocateMemory 1MiB host-visible
  p = vkMapMemory mem
  w = app writes p, 4
  expect app reads p, 4 == w
}`);
  assert.deepEqual(diagnostics, []);
});
