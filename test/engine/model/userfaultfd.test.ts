// userfaultfd on the old range of a DONTUNMAP move (kernel/userfaultfd.ts, model/uffd-step.ts) and
// the `uffd-snapshot-stale` rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';
import { VM_UFFD_MISSING } from '../../../server/src/engine/kernel/types';
import { formatHex } from '../../../server/src/engine/numbers';
import { droppedPagesNote } from '../../../server/src/engine/features/dropped-pages';

const moved = (handler: string, rest: string) => `scenario "uffd" {
  kernel 6.6
  a = mmap 8KiB rw private anon
  write a, 8KiB, 0xAB
  b = mremap a, 8KiB, 8KiB, maymove | dontunmap
  uffd a, 8KiB ${handler}
${rest}
}
`;

test('no handler: the old range reads zero-fill', () => {
  const text = `scenario "none" {
  kernel 6.6
  a = mmap 4KiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 4KiB, 4KiB, maymove | dontunmap
  expect read a, 1 == zero
}
`;
  assert.deepEqual(codes(text), []);
});

test('copy-from: the first touch copies the moved page; a later write is not seen (fires)', () => {
  const text = moved('copy-from b', '  read a, 16\n  write b, 16, 0x42\n  expect read a, 16 == 0xAB');
  assert.deepEqual(codes(text), ['uffd-snapshot-stale']);
});

test('copy-from: reading only, both sides agree (does not fire)', () => {
  const text = moved('copy-from b', '  read a, 16\n  read a + 4KiB, 16\n  expect read a + 4KiB, 1 == 0xAB');
  assert.deepEqual(codes(text), []);
});

test('copy-from: a write through the old range lands in the copy (fires on that step)', () => {
  const analysis = analyse(moved('copy-from b', '  write a + 16, 4, 0x11\n  expect read b + 16, 1 == 0xAB'));
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    ['uffd-snapshot-stale'],
  );
});

test('map-moved: both sides see each other (does not fire)', () => {
  const text = moved(
    'map-moved b',
    '  write a + 16, 4, 0x11\n  expect read b + 16, 1 == 0x11\n  write b + 32, 1, 0x22\n  expect read a + 32, 1 == 0x22',
  );
  assert.deepEqual(codes(text), []);
});

test('fail: the access gets SIGBUS', () => {
  const text = moved('fail', '  got = read a, 1\n  expect got == SIGBUS');
  assert.deepEqual(codes(text), ['access-fault']);
});

test('faults are counted per page and listed in the calls of the step that touched them', () => {
  const text = moved('zero', '  read a, 8KiB\n  read a, 8KiB');
  const first = callsOf(text, 4).join('\n');
  assert.match(first, /userfaultfd: 2 fault\(s\)/);
  assert.match(first, /2 fault\(s\) serviced so far/);
  assert.doesNotMatch(callsOf(text, 5).join('\n'), /userfaultfd/, 'present pages do not fault again');
});

test('copy-from: a fault on a later page names the page copied (the source plus its offset), as UFFDIO_COPY gets it', () => {
  // b is 2 pages below a: the fault on a + 4KiB copies b + 4KiB.
  const text = moved('copy-from b', '  x = read a + 4KiB, 1\n  expect x == 0xAB');
  const run = analyse(text).scenarios[0]!.run;
  const b = run.simulation.records[2]!.outcome;
  assert.equal(b.kind, 'address');
  const faults = callsOf(text, 4).join('\n');
  const page = (b as { value: bigint }).value + 4096n;
  assert.match(faults, new RegExp(`UFFDIO_COPY from ${formatHex(page)}, 1 page\\(s\\)`));
  // map-moved names the moved page it maps the same way.
  assert.match(
    callsOf(moved('map-moved b', '  x = read a + 4KiB, 1'), 4).join('\n'),
    new RegExp(`map the moved pages at ${formatHex(page)}, 1 page\\(s\\)`),
  );
});

test('registration is refused on device mappings and holes (EINVAL)', () => {
  const text = `scenario "refused" {
  bo = open device "renderD128" 64KiB
  a = mmap 64KiB rw shared fd bo
  u = uffd a, 64KiB zero
  expect u == EINVAL
  v = uffd 0x5000_0000, 4KiB zero
  expect v == EINVAL
}
`;
  assert.deepEqual(codes(text), []);
});

test('the armed mapping is labelled, and a 6.17+ multi-mapping move stops at it (EFAULT, partial)', () => {
  const text = `scenario "multi" {
  kernel 6.18
  a = mmap 8KiB rw private anon
  mprotect a + 4KiB, 4KiB, r
  uffd a + 4KiB, 4KiB zero
  b = mremap a, 8KiB, 8KiB, maymove | fixed, 0x3000_0000
  expect b == EFAULT
  expect mapped 0x3000_0000, 4KiB
  expect unmapped 0x3000_1000, 4KiB
}
`;
  const analysis = analyse(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    [],
  );
  const run = analysis.scenarios[0]!.run;
  const labels = run.simulation.space.vmasAt(2).map((v) => v.label);
  assert.ok(labels.includes('range (userfaultfd zero)'), labels.join(', '));
});

// Differential findings against Linux 6.18 (review9 "rare", C programs in /tmp/rare/u*.c).

test('a second userfaultfd on a registered range is refused with EBUSY; the first handler keeps it', () => {
  const text = `scenario "twice" {
  a = mmap 16KiB rw private anon at 0x2000_0000_0000 fixed-noreplace
  h = uffd a, 16KiB zero
  s = uffd a + 8KiB, 16KiB fail
  expect s == EBUSY
  expect read a, 1 == zero
}
`;
  assert.deepEqual(codes(text), []);
  assert.match(callsOf(text, 2).join('\n'), /UFFDIO_REGISTER.*= -1 EBUSY/);
});

test('a range with holes registers the VMAs in it; only a range with no VMA is EINVAL', () => {
  const text = `scenario "hole" {
  a = mmap 4KiB rw private anon at 0x2000_0000_1000 fixed-noreplace
  b = mmap 4KiB rw private anon at 0x2000_0000_3000 fixed-noreplace
  h = uffd 0x2000_0000_0000, 20KiB fail
  expect h == ok
  x = read a, 1
  expect x == SIGBUS
  y = read b, 1
  expect y == SIGBUS
  expect unmapped 0x2000_0000_2000, 4KiB
  n = uffd 0x2000_0001_0000, 4KiB zero
  expect n == EINVAL
}
`;
  assert.deepEqual(codes(text), ['access-fault', 'access-fault']);
});

test('a MAP_SHARED mapping of a read-only file is refused with EPERM (no VM_MAYWRITE)', () => {
  const text = `scenario "readonly memfd" {
  f = open memfd "m" 8KiB readonly
  a = mmap 8KiB r shared fd f
  h = uffd a, 8KiB zero
  expect h == EPERM
}
`;
  assert.deepEqual(codes(text), []);
});

test('hugetlb and MAP_PRIVATE memfd mappings can be registered; a regular file cannot', () => {
  const text = `scenario "kinds" {
  a = mmap 2MiB rw private anon hugetlb noreserve at 0x2000_0000_0000 fixed-noreplace
  h = uffd a, 2MiB fail
  expect h == ok
  f = open memfd "m" 8KiB
  m = mmap 8KiB rw private fd f
  k = uffd m, 8KiB fail
  expect k == ok
  x = read m, 1
  expect x == SIGBUS
  g = open file "x" 8KiB
  p = mmap 8KiB r private fd g
  u = uffd p, 8KiB zero
  expect u == EINVAL
}
`;
  assert.deepEqual(codes(text), ['access-fault']);
});

test('version gates: no userfaultfd before 4.3 (ENOSYS), anonymous only before 4.11, no SIGBUS feature before 4.14', () => {
  const on = (version: string, map: string, handler: string) => `scenario "v" {
  kernel ${version}
  a = mmap 8KiB rw ${map} anon
  h = uffd a, 8KiB ${handler}
  expect h == ok
}
`;
  assert.deepEqual(codes(on('4.3', 'private', 'zero')), []);
  assert.match(callsOf(on('4.0', 'private', 'zero'), 1).join('\n'), /userfaultfd\(O_CLOEXEC\) = -1 ENOSYS/);
  assert.match(callsOf(on('2.6', 'private', 'zero'), 1).join('\n'), /= -1 ENOSYS/);
  assert.match(callsOf(on('4.9', 'shared', 'zero'), 1).join('\n'), /UFFDIO_REGISTER.*= -1 EINVAL/);
  assert.deepEqual(codes(on('4.11', 'shared', 'zero')), []);
  assert.match(callsOf(on('4.9', 'private', 'fail'), 1).join('\n'), /UFFDIO_API.*= -1 EINVAL/);
  assert.deepEqual(codes(on('4.14', 'private', 'fail')), []);
});

test('a move drops the registration from the moved VMA: it merges, and a multi-VMA move takes it', () => {
  const text = `scenario "moved armed VMA" {
  kernel 6.18
  a = mmap 4KiB rw private anon at 0x2000_0000_0000 fixed-noreplace
  h = uffd a, 4KiB fail
  m = mremap a, 4KiB, 4KiB, maymove fixed, 0x2000_0001_0000
  c = mmap 4KiB r private anon at 0x2000_0001_1000 fixed-noreplace
  d = mmap 4KiB rw private anon at 0x2000_0000_f000 fixed-noreplace
  expect read m, 1 == zero
  n = mremap m, 8KiB, 8KiB, maymove fixed, 0x2000_0002_0000
  expect n == ok
}
`;
  const analysis = analyse(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    [],
  );
  const space = analysis.scenarios[0]!.run.simulation.space;
  const lines = space.kernelView().map((v) => `${v.startPage.toString(16)}-${v.endPage.toString(16)}`);
  assert.ok(lines.includes('20000000f-200000010'), lines.join(', '));
});

test('a move keeps the registration before 5.0, and the DONTUNMAP source stays registered', () => {
  const armedAfter = (version: string, move: string) =>
    analyse(`scenario "old" {
  kernel ${version}
  a = mmap 4KiB rw private anon at 0x2000_0000_0000 fixed-noreplace
  h = uffd a, 4KiB fail
  m = mremap a, 4KiB, 4KiB, ${move}
}
`)
      .scenarios[0]!.run.simulation.space.vmas()
      .map((v) => `${v.startPage.toString(16)} ${(v.vmFlags & VM_UFFD_MISSING) !== 0 ? 'armed' : 'plain'}`);
  const fixed = 'maymove fixed, 0x2000_0001_0000';
  assert.deepEqual(armedAfter('4.19', fixed), ['200000010 armed']);
  assert.deepEqual(armedAfter('5.0', fixed), ['200000010 plain']);
  assert.deepEqual(armedAfter('6.18', `${fixed} dontunmap`), ['200000000 armed', '200000010 plain']);
});

test('before 5.0 the handler goes with a moved mapping: it still fires at the new address', () => {
  const moveThenRead = (version: string) => `scenario "uffd move" {
  kernel ${version}
  a = mmap 16KiB rw private anon
  g = mmap 4KiB none private anon at a + 16KiB fixed
  uffd a, 16KiB fail
  b = mremap a, 16KiB, 32KiB, maymove
  x = read b, 16
  y = read b + 16KiB, 16
}
`;
  // 4.20: the moved VMA keeps VM_UFFD_MISSING and its context; the grown part is the same VMA.
  assert.deepEqual(codes(moveThenRead('4.20')), ['access-fault', 'access-fault']);
  assert.deepEqual(codes(moveThenRead('6.6')), []);
  const partial = `scenario "part of a copying registration moves" {
  kernel 4.19
  src = mmap 8KiB rw private anon
  write src, 4KiB, 0x11
  write src + 4KiB, 4KiB, 0x22
  a = mmap 8KiB rw private anon
  uffd a, 8KiB copy-from src
  b = mremap a + 4KiB, 4KiB, 4KiB, maymove
  expect read b, 1 == 0x22
  expect read a, 1 == 0x11
}
`;
  assert.deepEqual(codes(partial), []);
});

test('a duplicate (old size 0) of a registered shared mapping: armed and handled before 5.0, plain from 5.0', () => {
  const dup = (version: string) => `scenario "dup" {
  kernel ${version}
  a = mmap 8KiB rw shared anon at 0x2000_0000_0000 fixed-noreplace
  h = uffd a, 8KiB fail
  d = mremap a, 0, 8KiB, maymove fixed, 0x2000_0001_0000
  z = read d + 4KiB, 1
}
`;
  const armed = (version: string) =>
    analyse(dup(version))
      .scenarios[0]!.run.simulation.space.vmas()
      .map((v) => `${v.startPage.toString(16)} ${(v.vmFlags & VM_UFFD_MISSING) !== 0 ? 'armed' : 'plain'}`);
  assert.deepEqual(armed('4.19'), ['200000000 armed', '200000010 armed']);
  assert.deepEqual(codes(dup('4.19')), ['access-fault']);
  assert.deepEqual(armed('5.0'), ['200000000 armed', '200000010 plain']);
  assert.deepEqual(codes(dup('5.0')), []);
});

test('growing an armed mapping in place: its handler services the new pages', () => {
  const text = `scenario "grow armed" {
  a = mmap 8KiB rw private anon at 0x2000_0000_0000 fixed-noreplace
  h = uffd a, 8KiB fail
  b = mremap a, 8KiB, 16KiB
  expect b == a
  z = read a + 8KiB, 1
  expect z == SIGBUS
}
`;
  assert.deepEqual(codes(text), ['access-fault']);
});

test('a page faulted in by a read before registration is present: no missing fault', () => {
  const text = `scenario "read first" {
  a = mmap 8KiB rw private anon at 0x2000_0000_0000 fixed-noreplace
  x = read a, 1
  h = uffd a, 8KiB fail
  expect read a, 1 == zero
  write a, 1, 1
  z = read a + 4KiB, 1
  expect z == SIGBUS
  s = mmap 8KiB rw shared anon at 0x2000_0001_0000 fixed-noreplace
  read s, 1
  k = uffd s, 8KiB fail
  expect read s, 1 == zero
}
`;
  assert.deepEqual(codes(text), ['access-fault']);
});

test('a copying handler is not asked for a page read before it was registered (reads 0x00)', () => {
  const text = `scenario "zero-filled before the handler" {
  kernel 6.6
  a = mmap 8KiB rw private anon
  write a, 8KiB, 0xAB
  b = mremap a, 8KiB, 8KiB, maymove | dontunmap
  x = read a, 1
  h = uffd a, 8KiB copy-from b
  expect read a, 1 == zero
  expect read a + 4KiB, 1 == 0xAB
}
`;
  assert.deepEqual(codes(text), []);
});

test('the trace shows the calls a program makes: UFFD_USER_MODE_ONLY from 5.11, UFFD_FEATURE_SIGBUS for fail', () => {
  const text = (version: string) => `scenario "calls" {
  kernel ${version}
  a = mmap 8KiB rw private anon
  h = uffd a, 8KiB fail
}
`;
  const now = callsOf(text('6.18'), 1).join('\n');
  assert.match(now, /userfaultfd\(O_CLOEXEC\|UFFD_USER_MODE_ONLY\) = uffd/);
  assert.match(now, /UFFDIO_API, \{api=UFFD_API, features=UFFD_FEATURE_SIGBUS\}\) = 0/);
  assert.match(callsOf(text('5.10'), 1).join('\n'), /userfaultfd\(O_CLOEXEC\) = uffd/);
});

test('a droppable mapping is refused (EINVAL: vma_can_userfault)', () => {
  const text = `scenario "droppable" {
  kernel 6.18
  a = mmap 4KiB rw droppable anon
  h = uffd a, 4KiB zero
  expect h == EINVAL
}
`;
  assert.deepEqual(codes(text), []);
});

test('two handlers on one uffd step: one syntax-error at the second, whichever kinds they are', () => {
  const problems = (line: string) => {
    const text = `scenario "x" {\n  a = mmap 64KiB rw private anon\n  b = mmap 64KiB rw private anon\n  ${line}\n}\n`;
    return analyse(text).diagnostics.map(
      (d) => `${d.code} at ${text.slice(d.range.start, d.range.start + 4)}: ${d.message}`,
    );
  };
  // Two words: checkExclusiveWords reports it; uffd-step does not add a second diagnostic.
  assert.deepEqual(problems('uffd a, 4KiB zero fail'), [
    'syntax-error at fail: only one userfaultfd handler word is allowed; `zero` is already given',
  ]);
  // A word and an option, in either order: the same error, not a warning.
  assert.deepEqual(problems('uffd b, 4KiB zero copy-from a'), [
    'syntax-error at copy: only one userfaultfd handler is allowed; `zero` is already given',
  ]);
  assert.deepEqual(problems('uffd b, 4KiB map-moved a zero'), [
    'syntax-error at zero: only one userfaultfd handler is allowed; `map-moved` is already given',
  ]);
});

test('the same handler option twice (`copy-from b copy-from c`): a syntax-error at the second', () => {
  const text = (handlers: string) => `scenario "u" {
  a = mmap 64KiB rw private anon
  b = mmap 64KiB rw private anon
  c = mmap 64KiB rw private anon
  uffd a, 64KiB ${handlers}
}
`;
  for (const [handlers, kept] of [
    ['copy-from b copy-from c', 'copy-from'],
    ['map-moved b map-moved c', 'map-moved'],
  ] as const) {
    const t = text(handlers);
    const found = analyse(t).diagnostics.map((d) => `${d.code} at ${t.slice(d.range.start, d.range.end)}`);
    assert.equal(found.length, 1, handlers);
    assert.match(found[0]!, new RegExp(`^syntax-error at ${kept} c`), handlers);
  }
});

test('two handlers: the first written is the one simulated, the one the error keeps', () => {
  const text = (handlers: string, value: string) => `scenario "u" {
  a = mmap 64KiB rw private anon
  b = mmap 64KiB rw private anon
  write b, 4KiB, 0xAB
  uffd a, 64KiB ${handlers}
  expect read a, 1 == ${value}
}
`;
  // `zero` first: the read is zero-fill, not b's byte.
  assert.deepEqual(codes(text('zero copy-from b', '0')), ['syntax-error']);
  assert.deepEqual(codes(text('copy-from b zero', '0xAB')), ['syntax-error']);
  // A first handler whose address does not resolve gives way to the next one written: `fail`
  // here (the read is SIGBUS), not the `map-moved` written after it.
  assert.deepEqual(codes(text('copy-from x fail map-moved b', 'SIGBUS')).sort(), [
    'syntax-error',
    'syntax-error',
    'unknown-name',
  ]);
});

test('a zero handler cannot fill a hugetlb page (UFFDIO_ZEROPAGE is EINVAL there): the fault is never resolved', () => {
  const text = (flags: string) => `scenario "u" {
  h = mmap 2MiB rw private anon ${flags} at 0x4000_0000
  uffd h, 2MiB zero
  read h, 1
}
`;
  const [fault, ...rest] = analyse(text('hugetlb noreserve')).diagnostics;
  assert.equal(fault?.code, 'access-fault');
  assert.match(
    fault!.message,
    /UFFDIO_ZEROPAGE on 0x4000_0000 fails with EINVAL: hugetlb memory has no zero-page fill/,
  );
  assert.deepEqual(rest, []);
  assert.ok(!callsOf(text('hugetlb noreserve'), 2).some((c) => c.includes('UFFDIO_ZEROPAGE, 1 page')));
  // Ordinary anonymous memory: the handler zero-fills and the read succeeds.
  assert.deepEqual(codes(text('noreserve')), []);
});

test("UFFDIO_COPY and UFFDIO_ZEROPAGE into a MAP_PRIVATE memfd mapping install the mapping's own page: the memfd and its shared mappings do not see it (mfill_atomic_pte; checked on 6.18)", () => {
  const scenario = (handler: string, rest: string) => `scenario "private memfd" {
  kernel 6.6
  f = open memfd "m" 4KiB
  src = mmap 4KiB rw private anon
  write src, 1, 0xAB
  a = mmap 4KiB rw private fd f
  s = mmap 4KiB rw shared fd f
  uffd a, 4KiB ${handler}
${rest}
}
`;
  // The copy is a's alone; a later write to the memfd does not reach it (its page is private).
  assert.deepEqual(
    codes(
      scenario(
        'copy-from src',
        '  expect read a, 1 == 0xAB\n  expect read s, 1 == 0x00\n  write s, 1, 0xCD\n  expect read a, 1 == 0xAB',
      ),
    ),
    [],
  );
  // The zero page likewise: a's page is zero for good, whatever the memfd gets later.
  assert.deepEqual(
    codes(scenario('zero', '  expect read a, 1 == 0x00\n  write s, 1, 0xCD\n  expect read a, 1 == 0x00')),
    [],
  );
  // A MAP_SHARED registration fills the memfd's page: both mappings see it.
  const shared = scenario('copy-from src', '  expect read s, 1 == 0xAB').replace(
    'uffd a, 4KiB',
    'uffd s, 4KiB',
  );
  assert.deepEqual(
    codes(shared.replace('expect read s, 1 == 0xAB', 'expect read s, 1 == 0xAB\n  expect read a, 1 == 0xAB')),
    [],
  );
});

test('MADV_DONTNEED on an armed range: the pages are missing again, and the next touch is a new fault for the handler', () => {
  const text = (handler: string, rest: string) => `scenario "dontneed" {
  kernel 6.18
  src = mmap 4KiB rw private anon
  write src, 4KiB, 0xCD
  a = mmap 8KiB rw private anon
  uffd a, 4KiB ${handler}
  expect read a, 1 == 0xCD
${rest}
}
`;
  // copy-from: the refault copies the source as it is at the touch, not at the madvise.
  const copy = text(
    'copy-from src',
    '  madvise a, 4KiB, dontneed\n  write src, 4KiB, 0x55\n  expect read a, 1 == 0x55',
  );
  const analysis = analyse(copy);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    [],
    'no copy made at the madvise, no second stale snapshot',
  );
  const run = analysis.scenarios[0]!.run;
  const registration = run.simulation.space.userfaultfd.registrations[0]!;
  assert.equal(registration.faults, 2, 'the refault is serviced and counted');
  const madviseOf = (r: typeof run) =>
    r.simulation.records.find((x) => x.calls.some((c) => c.text.startsWith('madvise(')))!;
  const madvise = madviseOf(run);
  assert.equal(
    droppedPagesNote(run, madvise),
    `; private pages ${formatHex(run.simulation.addressOfPage(registration.startPage))}..${formatHex(run.simulation.addressOfPage(registration.endPage))} dropped (they are missing again: the next touch goes to the userfaultfd handler)`,
  );
  assert.doesNotMatch(droppedPagesNote(run, madvise), /zero/);
  // A range wider than the armed part: the rest reads zero again, as before.
  const wide = analyse(text('copy-from src', '  madvise a, 8KiB, dontneed')).scenarios[0]!.run;
  assert.match(
    droppedPagesNote(wide, madviseOf(wide)),
    /dropped \(they read zero again, except 0x[0-9a-f_]+\.\.0x[0-9a-f_]+, which are missing again: the next touch goes to the userfaultfd handler\)$/,
  );
  // fail: the touch after the madvise is SIGBUS, though the page held data before it.
  const fail = `scenario "fail" {
  a = mmap 8KiB rw private anon
  write a, 8KiB, 0x22
  uffd a, 8KiB fail
  expect read a, 1 == 0x22
  madvise a, 8KiB, dontneed
  v = read a, 1
  expect v == SIGBUS
}
`;
  assert.deepEqual(codes(fail), ['access-fault']);
  // zero: counted again too.
  const zero = analyse(
    text('zero', '  madvise a, 4KiB, dontneed\n  read a, 1\n  read a, 1').replace(
      'expect read a, 1 == 0xCD',
      'expect read a, 1 == 0x00',
    ),
  );
  assert.equal(zero.scenarios[0]!.run.simulation.space.userfaultfd.registrations[0]!.faults, 2);
});

test('MADV_DONTNEED on a map-moved range: the next touch maps the moved page again and is counted', () => {
  const run = analyse(
    moved(
      'map-moved b',
      '  expect read a, 1 == 0xAB\n  madvise a, 8KiB, dontneed\n  expect read a, 1 == 0xAB',
    ),
  ).scenarios[0]!.run;
  assert.equal(run.simulation.space.userfaultfd.registrations[0]!.faults, 2);
});

test('a copy-from handler whose source is missing under another userfaultfd: from 5.11 the kernel-mode copy fault is SIGBUS (UFFD_USER_MODE_ONLY), before it the source handler services it', () => {
  const text = (kernel: string) => `scenario "nested" {
  kernel ${kernel}
  s = mmap 4KiB rw private anon
  d = mmap 4KiB rw private anon
  uffd s, 4KiB zero
  uffd d, 4KiB copy-from s
  rr = read d, 1
  expect rr == SIGBUS
}
`;
  const [fault, ...rest] = analyse(text('6.18')).diagnostics;
  assert.equal(fault?.code, 'access-fault');
  assert.match(fault!.message, /UFFDIO_COPY from 0x[0-9a-f_]+ fails .*UFFD_USER_MODE_ONLY .*EFAULT/);
  assert.deepEqual(rest, []);
  // The source's handler never hears of the kernel-mode fault.
  assert.ok(!callsOf(text('6.18'), 4).some((c) => c.includes('UFFDIO_ZEROPAGE, 1 page')));
  // 5.10: no UFFD_USER_MODE_ONLY, so the nested fault waits for the zero handler, which serves it.
  assert.deepEqual(codes(text('5.10')), ['expectation-failed']);
  // Two DONTUNMAP hops, each old range with a copying handler (6.6): the same.
  const hops = `scenario "hops" {
  kernel 6.6
  a = mmap 4KiB rw private anon
  write a, 4KiB, 0xAB
  b = mremap a, 4KiB, 4KiB, maymove | dontunmap
  uffd a, 4KiB copy-from b
  c = mmap 4KiB rw private anon
  uffd c, 4KiB copy-from a
  rr = read c, 1
  expect rr == SIGBUS
}
`;
  assert.deepEqual(codes(hops), ['access-fault']);
  assert.deepEqual(codes(hops.replace('kernel 6.6', 'kernel 5.10')), ['expectation-failed']);
});

test('a fault beyond the end of a memfd is SIGBUS before the handler hears of it (shmem_get_folio_gfp checks i_size first)', () => {
  const shared = `scenario "eof" {
  kernel 6.18
  f = open memfd "x" 4KiB
  s = mmap 8KiB rw shared fd f
  uffd s, 8KiB zero
  rr = read s + 4KiB, 1
  expect rr == SIGBUS
}
`;
  assert.deepEqual(codes(shared), ['access-fault']);
  assert.ok(!callsOf(shared, 3).some((c) => c.includes('fault(s) serviced')));
  const priv = `scenario "eof" {
  kernel 6.18
  src = mmap 8KiB rw private anon
  write src, 8KiB, 0xAB
  f = open memfd "x" 4KiB
  p = mmap 8KiB rw private fd f
  uffd p, 8KiB copy-from src
  rr = read p + 4KiB, 1
  expect rr == SIGBUS
}
`;
  assert.deepEqual(codes(priv), ['access-fault']);
  assert.ok(!callsOf(priv, 5).some((c) => c.includes('UFFDIO_COPY from')));
  // The page inside the file is still the handler's.
  const inside = priv.replace(
    'rr = read p + 4KiB, 1\n  expect rr == SIGBUS',
    'read p, 1\n  expect read p, 1 == 0xAB',
  );
  assert.deepEqual(codes(inside), []);
  assert.ok(callsOf(inside, 5).some((c) => c.includes('UFFDIO_COPY from')));
});

test('a copy-from handler on hugetlb memory: its one-page UFFDIO_COPY is EINVAL, so the fault is never resolved (no copy shown)', () => {
  const text = (sharing: string) => `scenario "huge" {
  kernel 6.18
  src = mmap 2MiB rw private anon
  write src, 2MiB, 0xAB
  h = mmap 2MiB rw ${sharing} anon hugetlb noreserve
  uffd h, 2MiB copy-from src
  rr = read h, 1
}
`;
  for (const sharing of ['private', 'shared']) {
    const [fault, ...rest] = analyse(text(sharing)).diagnostics;
    assert.equal(fault?.code, 'access-fault');
    assert.match(
      fault!.message,
      /UFFDIO_COPY of 4 KiB into 0x[0-9a-f_]+ fails with EINVAL: a hugetlb range takes only whole huge pages/,
    );
    assert.doesNotMatch(fault!.message, /hugetlb_no_page/);
    assert.deepEqual(rest, []);
    assert.ok(!callsOf(text(sharing), 4).some((c) => c.includes('UFFDIO_COPY from')));
  }
});

test('UFFDIO_ZEROPAGE on shmem is EINVAL before 4.14 (__mcopy_atomic): the fault is never resolved; anonymous private memory is filled', () => {
  const text = (kernel: string, map: string) => `scenario "zero" {
  kernel ${kernel}
  f = open memfd "x" 4KiB
  s = mmap 4KiB rw ${map}
  uffd s, 4KiB zero
  rr = read s, 1
  expect rr == SIGBUS
}
`;
  for (const map of ['shared anon', 'shared fd f', 'private fd f']) {
    for (const kernel of ['4.11', '4.12', '4.13']) {
      const [fault, ...rest] = analyse(text(kernel, map)).diagnostics;
      assert.equal(fault?.code, 'access-fault', `${kernel} ${map}`);
      assert.match(
        fault!.message,
        /UFFDIO_ZEROPAGE on 0x[0-9a-f_]+ fails with EINVAL: shmem memory has no zero-page fill before Linux 4\.14/,
      );
      assert.deepEqual(rest, []);
    }
    assert.deepEqual(codes(text('4.14', map)), ['expectation-failed'], map);
  }
  assert.deepEqual(codes(text('4.11', 'private anon')), ['expectation-failed']);
});

test('before 4.20 UFFDIO_COPY into a MAP_PRIVATE memfd mapping fills the file itself (shmem_mcopy_atomic_pte), even one opened readonly', () => {
  const text = (kernel: string) => `scenario "private memfd" {
  kernel ${kernel}
  src = mmap 4KiB rw private anon
  write src, 4KiB, 0xAB
  f = open memfd "x" 4KiB
  s = mmap 4KiB rw shared fd f
  p = mmap 4KiB rw private fd f
  uffd p, 4KiB copy-from src
  expect read p, 1 == 0xAB
  expect read s, 1 == 0xAB
}
`;
  assert.deepEqual(codes(text('4.19')), []);
  assert.deepEqual(codes(text('4.20')), ['expectation-failed']);
  const readonly = (kernel: string) => `scenario "readonly memfd" {
  kernel ${kernel}
  src = mmap 4KiB rw private anon
  write src, 4KiB, 0xCD
  f = open memfd "x" 4KiB readonly
  p = mmap 4KiB rw private fd f
  uffd p, 4KiB copy-from src
  expect read p, 1 == 0xCD
  q = mmap 4KiB r shared fd f
  expect read q, 1 == 0xCD
}
`;
  assert.deepEqual(codes(readonly('4.14')), []);
  assert.deepEqual(codes(readonly('4.20')), ['expectation-failed']);
  // The zero page likewise (4.14-4.19): the file's page is filled, so a later write to it is seen.
  const zero = `scenario "zero" {
  kernel 4.19
  f = open memfd "x" 4KiB
  s = mmap 4KiB rw shared fd f
  p = mmap 4KiB rw private fd f
  uffd p, 4KiB zero
  expect read p, 1 == 0x00
  write s, 1, 0xCD
  expect read p, 1 == 0xCD
}
`;
  assert.deepEqual(codes(zero), []);
  assert.deepEqual(codes(zero.replace('kernel 4.19', 'kernel 4.20')), ['expectation-failed']);
});
