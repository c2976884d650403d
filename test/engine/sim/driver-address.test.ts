// A raw syscall step a driver makes may name a memory object as its address (`madvise mem, 1MiB,
// dontneed by lvp`): the driver's own CPU address of it (F2: that was wrong-kind, and the hint's
// `madvise p, …` madvised Wine's 32-bit window, the opposite answer under a remap strategy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { inlayHints } from '../../../server/src/engine/features/inlay-hints';
import { formatHex } from '../../../server/src/engine/numbers';
import { expectHover } from '../features/fixture';

const LVP_POOL = `  driver lvp {
    preset lavapipe
    backing anon
    maps pool
  }
`;

/** The F2 scenario: lavapipe's pool child, mapped by Wine, then madvised by the driver. */
const f2 = (strategy: string, tail: string) => `scenario "the driver madvises its pool range of mem" {
  kernel 6.6
  strategy ${strategy}
${LVP_POOL}  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  w = app writes p + 0x10, 16
${tail}}
`;

test('remap-move: the driver madvises its own pool address, which the move emptied: ENOMEM, the app data survives', () => {
  const text = f2(
    'remap-move',
    '  res = madvise mem, 1MiB, dontneed by lvp\n  expect res == ENOMEM\n  expect app reads p + 0x10, 16 == w\n',
  );
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['remap-granularity'],
  );
  const run = analysis.scenarios[0]!.run;
  const records = run.simulation.records;
  // The driver's pool address: where its suballocation of mem was made at vkAllocateMemory.
  const pool = /suballocate 1 MiB at pool\+0x0 = (0x[0-9a-f_]+)/.exec(
    records[0]!.calls.map((c) => c.text + ' ' + c.result).join('\n'),
  )?.[1];
  assert.ok(pool, records[0]!.calls.map((c) => c.text).join('\n'));
  assert.equal(records[3]!.calls[0]!.text, `madvise(${pool}, 0x10_0000, MADV_DONTNEED)`);
  assert.equal(records[3]!.calls[0]!.result, '= -1 ENOMEM');
  assert.ok(run.simulation.expects.every((e) => e.passed === true));
});

test('strategy none: the same madvise drops the pages the driver and the data are in', () => {
  const text = `scenario "none" {
  kernel 6.6
  strategy none
${LVP_POOL}  mem = vkAllocateMemory 1MiB host-visible coherent
  w = lvp writes mem + 0x10, 16
  madvise mem, 1MiB, dontneed by lvp
  expect lvp reads mem + 0x10, 16 == zero
}
`;
  const analysis = analyseDocument(text);
  assert.deepEqual(analysis.diagnostics, []);
  const run = analysis.scenarios[0]!.run;
  assert.match(run.simulation.records[2]!.calls[0]!.result, /^= 0$/);
  assert.equal(run.simulation.expects[0]!.passed, true);
});

test('the offset is added to the suballocation; munmap, mprotect and mremap take the same address', () => {
  const text = `scenario "s" {
${LVP_POOL}  a = vkAllocateMemory 64KiB host-visible coherent
  b = vkAllocateMemory 64KiB host-visible coherent
  mprotect b + 4KiB, 4KiB, r by lvp
  lvp writes b + 4KiB, 4
  c = mremap b + 8KiB, 4KiB, 4KiB, maymove by lvp
  munmap a, 4KiB by lvp
}
`;
  const analysis = analyseDocument(text);
  // The driver's own write meets the protection its own mprotect set.
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['access-fault'],
  );
  const records = analysis.scenarios[0]!.run.simulation.records;
  const last = records[1]!.calls.at(-1)!;
  const suballocated = /= (0x[0-9a-f_]+)$/.exec(`${last.text} ${last.result}`);
  const b = BigInt(suballocated![1]!.replaceAll('_', ''));
  const hex = formatHex;
  assert.equal(records[2]!.calls[0]!.text, `mprotect(${hex(b + 0x1000n)}, 0x1000, PROT_READ)`);
  assert.match(records[3]!.calls[0]!.text, new RegExp(`cached pointer ${hex(b + 0x1000n)}`));
  assert.match(records[4]!.calls[0]!.text, new RegExp(`^mremap\\(${hex(b + 0x2000n)}, `));
  assert.match(records[5]!.calls[0]!.text, new RegExp(`^munmap\\(${hex(b - 0x1_0000n)}, 0x1000\\)`));
});

test('no driver mapping at that step: never mapped, unmapped, not host-visible, freed, another driver’s', () => {
  const analysis = analyseDocument(`scenario "a" {
  mem = vkAllocateMemory 64KiB host-visible
  madvise mem, 4KiB, dontneed by driver
  p = vkMapMemory mem
  vkUnmapMemory mem
  madvise mem, 4KiB, dontneed by driver
  dev = vkAllocateMemory 64KiB
  munmap dev, 4KiB by driver
}
scenario "b" {
${LVP_POOL}  driver radv {
    preset radv
  }
  mem = vkAllocateMemory 64KiB host-visible driver lvp
  munmap mem, 4KiB by radv
  vkFreeMemory mem
  munmap mem, 4KiB by lvp
}
`);
  const found = analysis.diagnostics
    .filter((d) => d.code !== 'pointer-outside-window')
    .map((d) => `${d.code}: ${d.message}`);
  assert.deepEqual(found, [
    'use-of-failed-result: driver has no CPU mapping of mem yet: it maps it at vkMapMemory (`p = vkMapMemory mem` first)',
    'use-of-failed-result: driver has no CPU mapping of mem here: it mapped it at step 3 and has unmapped it since',
    'use-of-failed-result: driver has no CPU mapping of dev: it is not host-visible, so nothing maps it',
    "wrong-kind: `mem` is lvp's memory object: only lvp has a pointer to it, not radv",
    'use-after-free: lvp has no address of mem, which was freed at step 3: the memory object no longer exists',
  ]);
  // None of those steps made a call: no fallback to another address.
  for (const scenario of analysis.scenarios)
    for (const record of scenario.run.simulation.records)
      if (/^(madvise|munmap)/.test(record.node.verb.name)) assert.deepEqual(record.calls, []);
});

test('the application (or host) naming a memory object: wrong-kind, with both the pointer and the `by DRIVER` form', () => {
  for (const by of ['', ' by app']) {
    const analysis = analyseDocument(f2('remap-move', `  madvise mem + 0x10, 4KiB, dontneed${by}\n`));
    const wrong = analysis.diagnostics.filter((d) => d.code === 'wrong-kind');
    assert.equal(wrong.length, 1);
    assert.equal(
      wrong[0]!.message,
      "`mem` is a memory object, not an address: map it (`p = vkMapMemory mem`) and use the pointer for the application's view of it, or make the step lvp's (`madvise mem, … by lvp`) for lvp's own CPU address of it",
    );
  }
});

test('hover, trace and the inlay hint show the driver address the memory object resolved to', () => {
  const text = f2('remap-move', '  madvise mem, 1MiB, dontneed by lvp\n');
  const analysis = analyseDocument(text);
  const call = analysis.scenarios[0]!.run.simulation.records[3]!.calls[0]!;
  const address = /^madvise\((0x[0-9a-f_]+),/.exec(call.text)![1]!;
  const cursor = text.replace('madvise mem,', 'madvise m⟨|⟩em,');
  expectHover(cursor, "`mem` = lvp's own CPU address: `" + address + '`', '**Outside** the 32-bit window');
  const hint = inlayHints(analysis).find((h) => h.tooltip.includes('madvise('));
  assert.ok(hint);
  assert.equal(hint.label, '→ ENOMEM');
  assert.match(
    hint.tooltip,
    new RegExp(`lvp: madvise\\(${address}, 0x10_0000, MADV_DONTNEED\\) = -1 ENOMEM`),
  );
  // An offset into the memory object is hovered as the whole address expression.
  expectHover(
    f2('remap-move', '  madvise mem + 0x10⟨|⟩00, 4KiB, dontneed by lvp\n'),
    "`mem + 0x1000` = lvp's own CPU address: `" +
      formatHex(BigInt(address.replaceAll('_', '')) + 0x1000n) +
      '`',
  );
});

/** Two 1 MiB suballocations of lavapipe's pool, m2 right after mem; the step under test after them. */
const twoInPool = (line: string) => `scenario "past end" {
  kernel 6.6
${LVP_POOL}  mem = vkAllocateMemory 1MiB host-visible coherent
  m2 = vkAllocateMemory 1MiB host-visible coherent
  w = lvp writes m2, 16
  ${line}
  expect lvp reads m2, 16 == w
}
`;

test('an offset at or past the end of the memory object is refused, as a driver write there is: m2 keeps its data', () => {
  for (const [at, where] of [
    ['mem + 1MiB', '+0x10_0000 starts at its end'],
    ['mem + 2MiB', '+0x20_0000 starts past its end'],
    ['mem + 18446744073709551615', '+0xffff_ffff_ffff_ffff starts past its end'],
  ]) {
    const analysis = analyseDocument(twoInPool(`madvise ${at}, 4KiB, dontneed by lvp`));
    assert.deepEqual(
      analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
      [
        `access-fault: mem is 1 MiB; a madvise at ${where}: it names no address of mem, so the madvise is not simulated`,
      ],
    );
    const records = analysis.scenarios[0]!.run.simulation.records;
    assert.deepEqual(records[3]!.calls, []);
  }
});

test('a range that starts in the object and runs past its end is made, with a warning naming the suballocation it reaches', () => {
  const analysis = analyseDocument(twoInPool('madvise mem + 0xff000, 8KiB, dontneed by lvp'));
  const found = analysis.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);
  assert.deepEqual(found, [
    "warning driver-range-past-end: madvise of 8 KiB at mem + 0xf_f000 runs 4 KiB past the end of mem (1 MiB): the kernel acts on lvp's pool there, so the call reaches m2 (+0x0..+0x1000) too (H1)",
    'error expectation-failed: expectation failed: lvp reads 0x00 from m2',
  ]);
  assert.deepEqual(
    analysis.diagnostics[0]!.related.map((r) => r.message),
    ['m2 allocated here'],
  );
  // The kernel did it: the call was made on the pool, and m2's first page was dropped.
  assert.match(analysis.scenarios[0]!.run.simulation.records[3]!.calls[0]!.result, /^= 0/);
});

test('a range inside the object, or one past it with nothing else there, names no neighbour', () => {
  assert.deepEqual(
    analyseDocument(twoInPool('madvise mem + 0xff000, 4KiB, dontneed by lvp')).diagnostics,
    [],
  );
  const alone = analyseDocument(`scenario "alone" {
  kernel 6.6
${LVP_POOL}  mem = vkAllocateMemory 1MiB host-visible coherent
  mprotect mem + 0xff000, 8KiB, r by lvp
}
`);
  assert.deepEqual(
    alone.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      // The rest of lvp's pool: no suballocation there.
      'driver-range-past-end: mprotect of 8 KiB at mem + 0xf_f000 runs 4 KiB past the end of mem (1 MiB): the call reaches no memory object there, only lvp pool (0x7fff_f40f_f000..0x7fff_f410_0000)',
    ],
  );
});

/** lavapipe with 6000-byte objects: in a pool m2 starts 0x1800 into the pool, in mem's last page. */
const small = (pool: boolean, tail: string) => `scenario "6000 bytes" {
  kernel 6.6
  driver lvp {
    preset lavapipe
    backing anon${pool ? '\n    maps pool' : ''}
  }
  mem = vkAllocateMemory 6000 host-visible coherent
${pool ? '  m2 = vkAllocateMemory 6000 host-visible coherent\n  lvp writes m2, 4, 0x01\n' : ''}${tail}}
`;

test('the kernel acts on whole pages: a length ending in the object reaches the suballocation sharing its last page', () => {
  // madvise rounds the length up: 6000 and 8 KiB drop the same pages, m2's first 0x800 bytes too.
  const reach = "the kernel acts on lvp's pool there, so the call reaches m2 (+0x0..+0x800) too (H1)";
  const found = (length: string) =>
    analyseDocument(
      small(true, `  madvise mem, ${length}, dontneed by lvp\n  expect lvp reads m2, 4 == 0x01\n`),
    ).diagnostics.map((d) => `${d.code}: ${d.message}`);
  assert.deepEqual(found('6000'), [
    `driver-range-past-end: madvise of 6000 bytes (0x1770) at mem + 0x0 acts on whole pages, which run 2192 bytes (0x890) past the end of mem (6000 bytes (0x1770)): ${reach}`,
    'expectation-failed: expectation failed: lvp reads 0x00 from m2',
  ]);
  assert.deepEqual(found('8KiB'), [
    `driver-range-past-end: madvise of 8 KiB at mem + 0x0 runs 2192 bytes (0x890) past the end of mem (6000 bytes (0x1770)): ${reach}`,
    'expectation-failed: expectation failed: lvp reads 0x00 from m2',
  ]);
});

test("rounding up into the object's own page-rounded mapping reaches nothing else: no warning; past that mapping, one", () => {
  for (const length of ['6000', '8KiB'])
    assert.deepEqual(
      analyseDocument(small(false, `  madvise mem, ${length}, dontneed by lvp\n`)).diagnostics,
      [],
    );
  assert.deepEqual(
    analyseDocument(small(false, '  madvise mem, 8193, dontneed by lvp\n')).diagnostics.map(
      (d) => `${d.code}: ${d.message}`,
    ),
    [
      // Nothing is mapped after this BO: the kernel drops its pages, then says ENOMEM for the hole.
      'kernel-refused: madvise(0x7fff_f7ff_d000, 8193, MADV_DONTNEED) fails with ENOMEM: 0x7fff_f7ff_f000 is not mapped: madvise applied MADV_DONTNEED to the mapped parts of the range and then failed (madvise_walk_vmas skips holes)',
      'driver-range-past-end: madvise of 8193 bytes (0x2001) at mem + 0x0 acts on whole pages, which run 6288 bytes (0x1890) past the end of mem (6000 bytes (0x1770)): nothing is mapped there now (0x7fff_f7ff_f000..0x7fff_f800_0000), so the call reaches no memory object',
    ],
  );
});

test('a start that is not page aligned: the kernel refuses the call (EINVAL), so it reaches nothing', () => {
  for (const line of ['madvise mem + 0x10, 8KiB, dontneed by lvp', 'mremap mem + 0x10, 8KiB, 8KiB by lvp'])
    assert.deepEqual(
      analyseDocument(small(true, `  ${line}\n`)).diagnostics.map((d) => d.code),
      ['kernel-refused'],
    );
});

test('what the call reaches is what is mapped there now, never where another object was before remap-move moved it', () => {
  // a was mapped at radv's address, then moved into the window; b was mapped at the same address
  // and moved too: the page past b's end holds nothing, not a.
  const sameAddress = analyseDocument(`scenario "past4" {
  strategy remap-move
  driver radv {
    preset radv
  }
  a = vkAllocateMemory 1MiB host-visible coherent
  pa = vkMapMemory a
  b = vkAllocateMemory 1MiB host-visible coherent
  pb = vkMapMemory b
  res = madvise b + 0xff000, 8KiB, dontneed by radv
}
`);
  const past = sameAddress.diagnostics.filter((d) => d.code === 'driver-range-past-end');
  assert.deepEqual(
    past.map((d) => d.message),
    [
      'madvise of 8 KiB at b + 0xf_f000 runs 4 KiB past the end of b (1 MiB): nothing is mapped there now (0x7fff_f7ff_f000..0x7fff_f800_0000), so the call reaches no memory object',
    ],
  );
  assert.deepEqual(past[0]!.related, []);
  // Two drivers: lvp's mem was moved away from where radv's mem2 is now; past mem2's end are
  // radv's internal pools, whose page the kernel drops.
  const twoDrivers = analyseDocument(`scenario "past" {
  kernel 6.6
  strategy remap-move
  driver lvp {
    preset lavapipe
    backing anon
  }
  driver radv {
    preset radv
  }
  mem = vkAllocateMemory 1MiB host-visible coherent driver lvp
  m = vkMapMemory mem
  mem2 = vkAllocateMemory 1MiB host-visible coherent driver radv
  m2 = vkMapMemory mem2
  res = madvise mem2 + 0xff000, 8KiB, dontneed by radv
}
`);
  assert.deepEqual(
    twoDrivers.diagnostics.filter((d) => d.code === 'driver-range-past-end').map((d) => d.message),
    [
      'madvise of 8 KiB at mem2 + 0xf_f000 runs 4 KiB past the end of mem2 (1 MiB): the call reaches no memory object there, only radv internal pools (0x7fff_f5ff_f000..0x7fff_f600_0000)',
    ],
  );
});

test('a call the kernel refuses on its arguments (a length that wraps, past TASK_SIZE) reaches nothing: no warning', () => {
  for (const line of [
    'munmap mem + 0xff000, 0xffffffffffffffff by lvp',
    'madvise mem + 0xff000, 0xffffffffffffffff, free by lvp',
    'madvise mem, 0xfffffffffffff000, dontneed by lvp',
    'mprotect mem, 0xfffffffffffff000, r by lvp',
    'munmap mem + 0xff000, 0x8000_0000_0000 by lvp',
  ]) {
    const analysis = analyseDocument(`scenario "w" {
  kernel 6.6
  driver lvp {
    preset lavapipe
    backing anon
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  ${line}
}
`);
    assert.deepEqual(
      analysis.diagnostics.map((d) => d.code),
      ['kernel-refused'],
      line,
    );
  }
});

/** The codes of the scenario's diagnostics. */
const codesOf = (text: string) => analyseDocument(text).diagnostics.map((d) => d.code);

test('an mprotect that starts in a hole changes nothing, so it reaches no page past the object: no warning', () => {
  // remap-move moved a away from lvp's pool: lvp's address of a is a hole, b is still in the pool.
  const text = `scenario "mprotect from a hole" {
  kernel 6.6
  strategy remap-move
${LVP_POOL}  a = vkAllocateMemory 1MiB host-visible coherent
  b = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory a
  res = mprotect a + 0xff000, 8KiB, r by lvp
  expect res == ENOMEM
  lvp writes b, 4
}
`;
  assert.deepEqual(codesOf(text), ['remap-granularity']);
});

test('a call that stops inside the object (a hole, a mapping refusing the advice) reaches nothing past it: no warning', () => {
  // lvp's pool starts at 0x7fff_f3ff_f000 (mem's driver address): mem + 0x81000 is 0x7fff_f408_0000.
  const stopped = (before: string, call: string) =>
    codesOf(twoInPool(`${before}\n  ${call}\n  lvp writes m2 + 0x100, 4`));
  // mprotect stops at the first hole (linux-mm §6.1): m2's first page keeps rw.
  assert.deepEqual(stopped('munmap mem + 0x90000, 4KiB by lvp', 'mprotect mem, 1MiB + 4KiB, r by lvp'), [
    'kernel-refused',
  ]);
  // madvise stops at a VM_LOCKED mapping (EINVAL) before m2's page: m2 keeps its data.
  assert.deepEqual(
    stopped(
      'mmap 4KiB rw private anon locked at 0x7fff_f408_0000 fixed by lvp',
      'madvise mem, 1MiB + 4KiB, dontneed by lvp',
    ),
    ['kernel-refused'],
  );
  // The same refusal past m2's first page: the walk dropped that page, and the warning says so.
  assert.deepEqual(
    codesOf(
      twoInPool(
        'mmap 4KiB rw private anon locked at 0x7fff_f410_0000 fixed by lvp\n  madvise mem + 0xff000, 12KiB, dontneed by lvp',
      ),
    ),
    ['kernel-refused', 'driver-range-past-end', 'expectation-failed'],
  );
});

test('an mremap with equal sizes returns the address and changes nothing (mm/mremap.c): no warning; a shrink unmaps the neighbour and warns', () => {
  const tiny = (line: string) => `scenario "noop mremap" {
  kernel 6.6
${LVP_POOL}  mem = vkAllocateMemory 4KiB host-visible coherent
  m2 = vkAllocateMemory 4KiB host-visible coherent
  q = mremap mem, ${line} by lvp
}
`;
  assert.deepEqual(codesOf(tiny('8KiB, 8KiB')), []);
  assert.deepEqual(codesOf(tiny('8KiB, 8KiB, maymove')), []);
  const shrink = analyseDocument(tiny('8KiB, 4KiB'));
  assert.deepEqual(
    shrink.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [
      "driver-range-past-end: mremap of 8 KiB at mem + 0x0 runs 4 KiB past the end of mem (4 KiB): the kernel acts on lvp's pool there, so the call reaches m2 (+0x0..+0x1000) too (H1)",
    ],
  );
});

test('the free pool space a call reaches is named without the objects in it: only the gaps between them', () => {
  const text = `scenario "d" {
  kernel 6.6
${LVP_POOL}
  mem = vkAllocateMemory 4096 host-visible coherent
  m2 = vkAllocateMemory 6000 host-visible coherent
  a = madvise mem, 3 pages, dontneed by lvp
}
`;
  const warning = analyseDocument(text).diagnostics.find((d) => d.code === 'driver-range-past-end');
  assert.ok(warning);
  // m2 fills the pool from mem's end for 6000 bytes (0x1770); the pool space named is what is left.
  const m2 = /m2 \(\+0x0\.\.\+0x1770\)/.exec(warning.message);
  assert.ok(m2, warning.message);
  const pool = /lvp pool \((0x[0-9a-f_]+)\.\.(0x[0-9a-f_]+)\)/.exec(warning.message);
  assert.ok(pool, warning.message);
  const start = BigInt(pool[1]!.replace(/_/g, ''));
  const end = BigInt(pool[2]!.replace(/_/g, ''));
  assert.equal(end - start, 0x2000n - 0x1770n, warning.message);
  assert.equal(end % 0x1000n, 0n, warning.message);
});

test('the free pool space between several objects is one entry with its ranges, not the pool named once per gap', () => {
  const text = `scenario "d" {
  kernel 6.6
${LVP_POOL}
  mem = vkAllocateMemory 4096 host-visible coherent
  m2 = vkAllocateMemory 2000 host-visible coherent
  m3 = vkAllocateMemory 64 host-visible coherent
  a = madvise mem, 3 pages, dontneed by lvp
}
`;
  const warning = analyseDocument(text).diagnostics.find((d) => d.code === 'driver-range-past-end');
  assert.ok(warning);
  assert.equal(warning.message.match(/lvp pool \(/g)?.length, 1, warning.message);
  assert.match(
    warning.message,
    /lvp pool \(0x[0-9a-f_]+\.\.0x[0-9a-f_]+, 0x[0-9a-f_]+\.\.0x[0-9a-f_]+\) too \(H1\)$/,
  );
});

test('past the end in a pool: the live objects in the range, in allocation order, never a freed one whose slot another took', () => {
  // b is freed and d takes its slot: the call reaches d there, not b; c was allocated before d
  // but lies after it in the pool, and is named first (allocation order).
  const analysis = analyseDocument(`scenario "pool reuse" {
  kernel 6.6
  strategy none
  driver lvp {
    preset lavapipe
    backing anon
    maps pool
    pool-size 1MiB
  }
  a = vkAllocateMemory 64KiB host-visible coherent
  b = vkAllocateMemory 64KiB host-visible coherent
  c = vkAllocateMemory 64KiB host-visible coherent
  vkFreeMemory b
  d = vkAllocateMemory 32KiB host-visible coherent
  e = vkAllocateMemory 256KiB host-visible coherent
  madvise a + 60KiB, 300KiB, dontneed by lvp
}
`);
  const past = analysis.diagnostics.filter((d) => d.code === 'driver-range-past-end');
  assert.equal(past.length, 1);
  assert.match(
    past[0]!.message,
    /reaches c \(\+0x0\.\.\+0x1_0000\), d \(\+0x0\.\.\+0x8000\), e \(\+0x0\.\.\+0x2_a000\), lvp pool /,
  );
});
