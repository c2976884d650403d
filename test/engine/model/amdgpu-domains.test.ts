// radv on amdgpu: a BO not smaller than its memory domain is refused with ENOMEM by
// amdgpu_bo_validate_size, before TTM makes the BO and its fake offset; the offset space's ENOSPC
// is left for many BOs that each fit their domain (model/amdgpu-domains.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amdgpuSizeRefusal } from '../../../server/src/engine/model/amdgpu-domains';
import { analyse, callsOf, codes } from './helpers';

const radv = (traits: string, body: string) => `scenario "domains" {
  kernel 6.6
  driver gpu {
    preset radv${traits}
  }
${body}
}`;

const refusal = (text: string) => analyse(text).diagnostics.find((d) => d.code === 'kernel-refused');

test('one BO larger than the GTT domain: ENOMEM from amdgpu_bo_validate_size, not ENOSPC', () => {
  const text = radv(
    '',
    '  d = vkAllocateMemory 2TiB host-visible coherent\n  expect d == VK_ERROR_OUT_OF_DEVICE_MEMORY',
  );
  assert.deepEqual(callsOf(text, 0), [
    'app: vkAllocateMemory(2 TiB, host-visible|coherent) = VK_ERROR_OUT_OF_DEVICE_MEMORY',
    'gpu: ioctl(3, create a 2 TiB BO) = -1 ENOMEM',
  ]);
  assert.match(
    refusal(text)!.message,
    /fails with ENOMEM: amdgpu_bo_validate_size: a 2 TiB BO is not smaller than the GTT domain \(`gtt` 16 GiB\)/,
  );
  // Expected: shown as information, nothing else.
  assert.deepEqual(codes(text), ['kernel-refused']);
  assert.equal(refusal(text)!.severity, 'info');
});

test('a BO as large as its domain is refused too (amdgpu checks size < domain)', () => {
  assert.match(refusal(radv('', '  g = vkAllocateMemory 16GiB host-visible'))!.message, /ENOMEM/);
  assert.equal(refusal(radv('', '  g = vkAllocateMemory 16380MiB host-visible')), undefined);
});

test('device-local memory is asked for as VRAM|GTT, which amdgpu checks against GTT alone: a BO that fits VRAM but not GTT is refused', () => {
  // radv_amdgpu_winsys_bo_create adds GTT to every VRAM request, and amdgpu_bo_validate_size
  // checks only GTT when GTT is among the domains; the GTT retry is for VRAM alone.
  assert.equal(refusal(radv('', '  e = vkAllocateMemory 12GiB device-local')), undefined);
  const min = radv(
    '\n    gtt 4GiB',
    '  m = vkAllocateMemory 4GiB device-local\n  expect m == VK_ERROR_OUT_OF_DEVICE_MEMORY',
  );
  assert.match(
    refusal(min)!.message,
    /ENOMEM: amdgpu_bo_validate_size: a 4 GiB BO is not smaller than the GTT domain \(`gtt` 4 GiB\): radv asks for VRAM\|GTT, and with GTT among the domains amdgpu checks GTT alone/,
  );
  assert.deepEqual(
    analyse(min)
      .scenarios[0]!.run.simulation.expects.filter((e) => e.passed !== true)
      .map((e) => e.detail),
    [],
  );
  // A 24 GiB card with 16 GiB of GTT: 20 GiB fits VRAM, and is refused all the same.
  const card = radv('\n    vram 24GiB\n    gtt 16GiB', '  m = vkAllocateMemory 20GiB device-local');
  assert.match(refusal(card)!.message, /a 20 GiB BO is not smaller than the GTT domain \(`gtt` 16 GiB\)/);
});

test('`vram` and `gtt` set the domain sizes', () => {
  assert.equal(refusal(radv('\n    gtt 64GiB', '  g = vkAllocateMemory 32GiB host-visible')), undefined);
  assert.match(
    refusal(radv('\n    gtt 4GiB', '  g = vkAllocateMemory 4GiB host-visible'))!.message,
    /not smaller than the GTT domain \(`gtt` 4 GiB\)/,
  );
});

test('many BOs that each fit their domain still run out of fake offsets: ENOSPC at the one that does not fit', () => {
  // 68 BOs of 15 GiB hold 1020 GiB of the just under 1 TiB of offsets; the 69th has no room.
  const lines = Array.from({ length: 69 }, (_, i) => `  m${i} = vkAllocateMemory 15GiB host-visible`);
  const text = radv('', lines.join('\n'));
  const refused = refusal(text)!;
  assert.equal(refused.range.start, text.indexOf('m68 = '));
  assert.match(
    refused.message,
    /fails with ENOSPC: ttm_bo_init_reserved: drm_vma_offset_add finds no room for 15 GiB/,
  );
});

test('nvk (nouveau) has no domain check: its 2 TiB BO is refused by the offset space (ENOSPC)', () => {
  const text = `scenario "nvk" {\n  driver gpu { preset nvk }\n  d = vkAllocateMemory 2TiB host-visible\n}`;
  assert.match(refusal(text)!.message, /ENOSPC: ttm_bo_init_reserved/);
});

test('`vram` or `gtt` on a driver not on amdgpu is a conflicting trait, ignored', () => {
  const text = `scenario "nvk" {
  driver gpu {
    preset nvk
    gtt 4GiB
  }
  g = vkAllocateMemory 8GiB host-visible
}`;
  const problems = analyse(text).diagnostics.filter((d) => d.code === 'conflicting-traits');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /`gtt` is the size of amdgpu's GTT domain.*\(nouveau\)/);
  assert.equal(refusal(text), undefined);
  assert.deepEqual(codes(`scenario "d" {\n  driver gpu {\n    vram 4GiB\n  }\n}`), ['conflicting-traits']);
});

test('a domain smaller than a page is out of range', () => {
  assert.deepEqual(codes(radv('\n    gtt 0', '')), ['number-out-of-range']);
});

test('`gtt` or `vram` on lavapipe says it is a software driver, not that its kernel (drm) lacks the check', () => {
  for (const domain of ['gtt 1GiB', 'vram 1GiB']) {
    const text = `scenario "lvp" {\n  driver lvp {\n    preset lavapipe\n    ${domain}\n  }\n}`;
    const problems = analyse(text).diagnostics.filter((d) => d.code === 'conflicting-traits');
    assert.equal(problems.length, 1, domain);
    assert.match(
      problems[0]!.message,
      /; this driver is a software one \(`backing shmem`\): its memory is ordinary process memory, which no kernel GPU driver checks, so the line is ignored$/,
    );
    assert.doesNotMatch(problems[0]!.message, /drm/);
    assert.deepEqual(
      problems[0]!.related.map((r) => r.message),
      ['what makes the driver a software one'],
    );
  }
});

test('`vram` or `gtt` on `preset radv` with `backing anon` or `shmem` says the driver is a software one, ignored', () => {
  for (const backing of ['anon', 'shmem'])
    for (const domain of ['vram 1MiB', 'gtt 1MiB']) {
      const text = `scenario "soft radv" {\n  driver gpu {\n    preset radv\n    backing ${backing}\n    ${domain}\n  }\n  m = vkAllocateMemory 4MiB device-local\n}`;
      const problems = analyse(text).diagnostics.filter((d) => d.code === 'conflicting-traits');
      assert.equal(problems.length, 1, `${backing} ${domain}`);
      assert.match(
        problems[0]!.message,
        new RegExp(
          `; this driver is a software one \\(\`backing ${backing}\`\\): .*, so the line is ignored$`,
        ),
      );
      assert.equal(problems[0]!.range.start, text.indexOf(domain));
      assert.deepEqual(
        problems[0]!.related.map((r) => [r.message, r.range.start]),
        [['what makes the driver a software one', text.indexOf(`backing ${backing}`)]],
      );
      assert.equal(refusal(text), undefined, 'no domain check refuses the 4 MiB');
    }
  // The same lines on a device-backed radv are read (the 4 MiB BO fits neither domain), and a
  // `backing` left open may be `device`: no warning.
  assert.match(
    refusal(radv('\n    vram 1MiB\n    gtt 1MiB', '  m = vkAllocateMemory 4MiB device-local'))!.message,
    /ENOMEM/,
  );
  assert.deepEqual(codes(radv('\n    backing any\n    vram 1MiB', '')), []);
});

test('a BO that fits its domain costs the comparison only: no refusal message is formatted for it', () => {
  // Every radv allocation is checked: the GTT size is read again (to format the message) only on a refusal.
  let gttReads = 0;
  const traits = {
    get gttSize() {
      gttReads++;
      return 16n << 30n;
    },
  };
  assert.equal(amdgpuSizeRefusal(64n << 10n, 'VRAM|GTT', traits), undefined);
  assert.equal(gttReads, 1, 'a VRAM|GTT BO reads the GTT size once, to compare');
  assert.equal(amdgpuSizeRefusal(64n << 10n, 'GTT', traits), undefined);
  assert.equal(gttReads, 2, 'a GTT BO reads the GTT size once, to compare');
  assert.match(
    amdgpuSizeRefusal(32n << 30n, 'VRAM|GTT', traits)!,
    /not smaller than the GTT domain \(`gtt` 16 GiB\)/,
  );
});
