// `reserve-high` (FEX) and H9: every mmap(NULL) must fit below 4 GiB, so a driver whose pools fill
// that space fails its map with ENOMEM — reported as window-exhausted with who holds the space,
// as box64's MAP_32BIT range is, and not only as the kernel's bare "no free gap".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from './helpers';

const scenario = (pools: string, layout = '') => `scenario "fex pools" {
  strategy reserve-high
${layout}  window 0x1_0000 .. 0x1_0000_0000
  driver gpu {
    internal-mappings ${pools}
  }
  a = vkAllocateMemory 512MiB host-visible coherent
  p = vkMapMemory a
}
`;

test('reserve-high: pools that fill the space below 4 GiB make the map window-exhausted, naming the reservation and who holds the space', () => {
  const text = scenario('0xF000_0000');
  const diagnostics = analyse(text).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['window-exhausted', 'kernel-refused'],
  );
  assert.equal(
    diagnostics[0]!.message,
    "FEX reserved everything above 4 GiB (reserve-high), so gpu's mmap(NULL) of 512 MiB must fit in 0x1_0000..0x1_0000_0000, and the largest free block there is ≈255.9 MiB (262080 KiB), so it fails with ENOMEM; it holds gpu ≈3.8 GiB (3840 MiB) — every mmap(NULL) of the process, the driver's internal pools and slabs included, competes for it (H9)",
  );
  assert.equal(text.slice(diagnostics[0]!.range.start, diagnostics[0]!.range.end), 'p = vkMapMemory a');
});

test('reserve-high: pools that leave room below 4 GiB draw no window-exhausted', () => {
  assert.deepEqual(
    analyse(scenario('1GiB')).diagnostics.map((d) => d.code),
    [],
  );
});

test('reserve-high under the legacy layout: the search never looks below mmap_base, so kernel-refused alone says why', () => {
  // The device's set-up mmap and the map both fail, each said by kernel-refused.
  assert.deepEqual(
    analyse(scenario('32MiB', '  layout legacy\n')).diagnostics.map((d) => d.code),
    ['kernel-refused', 'kernel-refused'],
  );
});
