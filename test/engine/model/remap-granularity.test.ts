// `remap-granularity` (H1): mremap moves whole pages of the parent BO, so any remap of a pool's
// child is flagged, sub-page or not (vulkan-wine §4); a BO of its own is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from './helpers';

const scenario = (driver: string, size: string) => `scenario "remap" {
  kernel 6.6
  driver gpu {
${driver}
  }
  strategy remap-dontunmap
  a = vkAllocateMemory ${size} host-visible
  b = vkAllocateMemory ${size} host-visible
  p = vkMapMemory b
}
`;
const POOL = '    maps pool\n    backing shmem\n    pool-size 1MiB';

function granularity(text: string): string[] {
  return analyse(text)
    .diagnostics.filter((d) => d.code === 'remap-granularity')
    .map((d) => d.message);
}

test('a page-aligned child of a pool: carved out of the pool mapping (fires)', () => {
  const [message, ...rest] = granularity(scenario(POOL, '64KiB'));
  assert.equal(rest.length, 0);
  assert.match(
    message ?? '',
    /^mremap moves pages of the parent BO: b is a child of gpu's pool at 0x[0-9a-f_]+, so the move carves 64 KiB out of the pool mapping the driver still manages \(H1\)$/,
  );
});

test('a sub-page child: its neighbour moves too (fires, naming it)', () => {
  const [message] = granularity(scenario(POOL, '256'));
  assert.match(message ?? '', /^mremap moves whole pages: b is a suballocation at .* — including a \(H1\)$/);
});

test('a BO of its own, page-sized: nothing else moves (does not fire)', () => {
  assert.deepEqual(granularity(scenario('    backing shmem', '64KiB')), []);
});
