// Reading a driver block: a preset, then lines that override it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const driverOf = (traits: string) => {
  const analysis = analyseDocument(`scenario "d" {\n  driver gpu {\n${traits}\n  }\n}\n`);
  return {
    model: analysis.scenarios[0]!.run.drivers.get('gpu')!,
    problems: analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
  };
};

test("`caches-pointer` alone or `yes` sets it; `no` turns off a preset's", () => {
  assert.equal(driverOf('    caches-pointer').model.cachesPointer, true);
  assert.equal(driverOf('    caches-pointer yes').model.cachesPointer, true);
  assert.equal(driverOf('    preset radv').model.cachesPointer, true);
  const off = driverOf('    preset radv\n    caches-pointer no');
  assert.equal(off.model.cachesPointer, false);
  assert.deepEqual(off.problems, []);
  const bad = driverOf('    caches-pointer maybe');
  assert.deepEqual(bad.problems, ['unknown-word: `caches-pointer` takes one of: yes, no']);
});

test('`gl-client-pointer` takes no value', () => {
  assert.deepEqual(driverOf('    gl-client-pointer').problems, []);
  assert.deepEqual(driverOf('    gl-client-pointer no').problems, [
    'syntax-error: `gl-client-pointer` takes no value: write it alone, or leave it out',
  ]);
});

test('a RADV whose pointer cache is turned off unmaps at vkUnmapMemory2, so a placed map afterwards works', () => {
  const text = (extra: string) => `scenario "e10" {
  driver radv {
    preset radv
${extra}
  }
  res = reserve 64KiB at 0x2000_0000 by wine
  m = vkAllocateMemory 64KiB host-visible
  q = vkMapMemory2 m
  vkUnmapMemory2 m
  p = vkMapMemory2 m placed at 0x2000_0000
}
`;
  assert.deepEqual(
    analyseDocument(text('    caches-pointer no')).diagnostics.map((d) => d.code),
    [],
  );
  // With the preset's cache the mapping outlives the unmap, and the BO cannot be re-placed (H4).
  assert.deepEqual(
    analyseDocument(text('')).diagnostics.map((d) => d.code),
    ['placed-map-failed'],
  );
});

test('`large-address-aware` alone or `yes` widens the window to 4 GiB; `no` keeps 2 GiB', () => {
  const windowOf = (setting: string) => {
    const analysis = analyseDocument(`scenario "w" {\n  ${setting}\n}\n`);
    const { start, end } = analysis.scenarios[0]!.run.simulation.platform.window;
    return [start, end, analysis.diagnostics.map((d) => d.message)];
  };
  assert.deepEqual(windowOf('large-address-aware'), [0x1_0000n, 0xffff_0000n, []]);
  assert.deepEqual(windowOf('large-address-aware yes'), [0x1_0000n, 0xffff_0000n, []]);
  assert.deepEqual(windowOf('large-address-aware no'), [0x1_0000n, 0x7fff_0000n, []]);
  assert.deepEqual(windowOf('large-address-aware maybe')[2], [
    '`maybe` is not a large-address-aware; expected one of: yes, no',
  ]);
});
