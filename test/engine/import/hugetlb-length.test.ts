// A MAP_ANONYMOUS|MAP_HUGETLB map covers whole huge pages whatever length it was given
// (ksys_mmap_pgoff rounds it up to the MAP_HUGE_SHIFT size, or the default 2 MiB), and mremap of a
// hugetlb mapping rounds both sizes (K:mm/mremap.c): a later address inside is that mapping's, so
// the import names it relative to it, and the replay refuses what the capture's kernel refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { importStrace } from './parsing-importers';

function problems(scenario: string): string[] {
  return analyseDocument(scenario)
    .diagnostics.filter((d) => d.severity !== 'info')
    .map((d) => `${d.code}: ${d.message}`);
}

// Captured on Linux 6.18 (hi.c: a 4096-byte hugetlb map, then calls inside its 2 MiB).
const CAPTURE = `mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_HUGETLB, -1, 0) = 0x7f6626000000
munmap(0x7f6626001000, 4096)            = -1 EINVAL (Invalid argument)
mprotect(0x7f6626100000, 4096, PROT_READ) = -1 EINVAL (Invalid argument)
`;

test('a hugetlb map of 4096 bytes is a 2 MiB mapping: calls inside it are written relative to it', () => {
  const { scenario } = importStrace(CAPTURE);
  assert.match(scenario, /\n {2}m2 = munmap m1 \+ 0x1000, 4096\n {2}expect m2 == EINVAL\n/, scenario);
  assert.match(scenario, /\n {2}m3 = mprotect m1 \+ 0x10_0000, 4096, r\n {2}expect m3 == EINVAL\n/, scenario);
  assert.doesNotMatch(scenario, /not mapped by any call/, scenario);
  assert.deepEqual(problems(scenario), []);
});

test('the MAP_HUGE_SHIFT size is the one rounded to (1 GiB), named or as strace -X raw prints it', () => {
  for (const size of ['30<<MAP_HUGE_SHIFT', 'MAP_HUGE_1GB']) {
    const { scenario } = importStrace(
      `mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_HUGETLB|${size}, -1, 0) = 0x7f0000000000\nmunmap(0x7f0020000000, 4096) = -1 EINVAL (Invalid argument)\n`,
    );
    assert.match(scenario, /\n {2}m2 = munmap m1 \+ 0x2000_0000, 4096\n/, `${size}\n${scenario}`);
  }
});

test('the plain map and the edge of the huge page: past 2 MiB is not the mapping', () => {
  const { scenario } = importStrace(
    `${CAPTURE.split('\n')[0]}\nmunmap(0x7f6626200000, 4096) = 0\nmmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\nmunmap(0x7f0000001000, 4096) = 0\n`,
  );
  assert.match(scenario, /\n {2}m2 = munmap 0x7f66_2620_0000, 4096\n/, scenario);
  assert.match(scenario, /\n {2}m4 = munmap 0x7f00_0000_1000, 4096\n/, scenario);
});

test('mremap of a hugetlb mapping: the moved mapping is whole huge pages, and the old one is gone', () => {
  const { scenario } = importStrace(
    `${CAPTURE.split('\n')[0]}
mremap(0x7f6626000000, 4096, 4096, MREMAP_MAYMOVE|MREMAP_FIXED, 0x7f6640000000) = 0x7f6640000000
munmap(0x7f6640001000, 4096) = -1 EINVAL (Invalid argument)
munmap(0x7f6626001000, 4096) = 0
`,
  );
  assert.match(scenario, /\n {2}m3 = munmap m2 \+ 0x1000, 4096\n {2}expect m3 == EINVAL\n/, scenario);
  assert.match(scenario, /\n {2}m4 = munmap 0x7f66_2600_1000, 4096\n/, scenario);
});
