import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { completionsAt, type CompletionItem } from '../../../server/src/engine/features/completion';
import { at, CURSOR } from './fixture';
import { PRESETS } from '../../../server/src/engine/model/driver';

function labels(textWithCursor: string): string[] {
  const c = at(textWithCursor);
  return completionsAt(c.analysis, c.offset).map((i) => i.label);
}

const has = (list: string[], ...wanted: string[]) => {
  for (const w of wanted) assert.ok(list.includes(w), `missing ${w} in ${list.join(', ')}`);
};
/** The item the editor pre-selects: the first by sortText, then label (as VS Code sorts). */
const first = (items: CompletionItem[]) =>
  [...items].sort((x, y) =>
    (x.sortText ?? x.label) < (y.sortText ?? y.label)
      ? -1
      : (x.sortText ?? x.label) > (y.sortText ?? y.label)
        ? 1
        : 0,
  )[0];
const lacks = (list: string[], ...unwanted: string[]) => {
  for (const w of unwanted) assert.ok(!list.includes(w), `unexpected ${w}`);
};

/**
 * Each item offered at the cursor, with the diagnostics `analyseDocument` gives on the cursor's
 * line once it is accepted there (its insert text, or its label, in place of the cursor).
 */
function accepted(textWithCursor: string): { label: string; codes: string[] }[] {
  const c = at(textWithCursor);
  const lineStart = c.text.lastIndexOf('\n', c.offset - 1) + 1;
  return completionsAt(c.analysis, c.offset).map((item) => {
    const inserted = item.insertText ?? item.label;
    const text = textWithCursor.replace(CURSOR, inserted);
    const lineEnd = text.indexOf('\n', c.offset);
    const codes = analyseDocument(text)
      .diagnostics.filter((d) => d.range.start >= lineStart && d.range.start < lineEnd)
      .map((d) => d.code);
    return { label: item.label, codes };
  });
}

describe('completion', () => {
  test('top level: the scenario skeleton and a skeleton per strategy', () => {
    const c = at('⟨|⟩');
    const items = completionsAt(c.analysis, c.offset);
    const skeleton = items.find((i) => i.label === 'scenario');
    assert.ok(skeleton?.snippet && skeleton.insertText?.includes('scenario "${1:name}" {'));
    has(
      items.map((i) => i.label),
      'scenario: placed',
      'scenario: remap-dontunmap',
      'scenario: shadow-copy',
    );
  });

  test('presets come from one list: the `preset` values and the strategy skeletons offer every preset the model has', () => {
    const presets = Object.keys(PRESETS);
    has(labels('scenario "s" {\n  driver mesa {\n    preset ⟨|⟩\n  }\n}\n'), ...presets);
    const c = at('⟨|⟩');
    const placed = completionsAt(c.analysis, c.offset).find((i) => i.label === 'scenario: placed');
    assert.ok(placed?.insertText?.includes(`preset \${4|${presets.join(',')}|}`), placed?.insertText);
    assert.ok(presets.includes('nvidia'));
  });

  test('line start in a scenario: settings, verbs, blocks, actors and strategy snippets', () => {
    const list = labels('scenario "s" {\n  ⟨|⟩\n}\n');
    has(
      list,
      'kernel',
      'window',
      'strategy',
      'mmap',
      'vkAllocateMemory',
      'driver',
      'expect',
      'app',
      'wine',
      'device',
      'strategy placed',
    );
  });

  test('line start: settings the scenario already has are not offered, except on their own line', () => {
    const scenario = (lines: string) => `scenario "c" {\n  kernel 6.6\n${lines}  thp off\n}\n`;
    // Above and below the cursor: both make a second one a duplicate-setting.
    const items = accepted(scenario('  strategy placed\n  ⟨|⟩\n'));
    const list = items.map((i) => i.label);
    lacks(list, 'kernel', 'strategy', 'thp', 'strategy none', 'strategy placed', 'strategy mmap32');
    has(list, 'page-size', 'layout', 'platform', 'window', 'mmap', 'expect');
    for (const { label, codes } of items)
      assert.ok(!codes.includes('duplicate-setting'), `accepting ${label}`);
    // Before the scenario sets its strategy, every strategy is offered.
    has(labels(scenario('  ⟨|⟩\n')), 'strategy', 'strategy none', 'strategy placed');
    // Retyping the keyword of the setting on the cursor's own line keeps it.
    has(labels('scenario "c" {\n  kern⟨|⟩ 6.6\n  strategy placed\n}\n'), 'kernel');
    has(labels('scenario "c" {\n  kernel 6.6\n  strat⟨|⟩ placed\n}\n'), 'strategy', 'strategy placed');
    // …and its value still completes.
    has(labels('scenario "c" {\n  kernel ⟨|⟩6.6\n  strategy placed\n}\n'), '6.6', '6.18');
    has(labels('scenario "c" {\n  kernel 6.6\n  strategy ⟨|⟩\n}\n'), 'placed', 'none');
  });

  test('exported memory: handle types after vkGetMemoryFdKHR, exported fds after `import`', () => {
    has(
      labels(
        'scenario "s" {\n  m = vkAllocateMemory 4KiB host-visible exportable\n  h = vkGetMemoryFdKHR m ⟨|⟩\n}\n',
      ),
      'opaque-fd',
      'dma-buf',
    );
    has(
      labels(
        'scenario "s" {\n  m = vkAllocateMemory 4KiB host-visible exportable\n  h = vkGetMemoryFdKHR m\n  m2 = vkAllocateMemory 4KiB host-visible import ⟨|⟩\n}\n',
      ),
      'h',
    );
    has(labels('scenario "s" {\n  m = vkAllocateMemory 4KiB host-visible ⟨|⟩\n}\n'), 'exportable', 'import');
  });

  test('`import` offers fds from vkGetMemoryFdKHR only; `mmap … fd` offers files from open too', () => {
    const setup =
      'scenario "s" {\n  m = vkAllocateMemory 64KiB host-visible exportable\n  h = vkGetMemoryFdKHR m dma-buf\n  o = open memfd "f" 64KiB\n';
    const afterImport = labels(`${setup}  g = vkAllocateMemory 64KiB host-visible import ⟨|⟩\n}\n`);
    has(afterImport, 'h');
    lacks(afterImport, 'o');
    has(labels(`${setup}  q = mmap 64KiB rw shared fd ⟨|⟩\n}\n`), 'h', 'o');
  });

  test('an fd an import took is offered neither to a second `import` nor to `mmap … fd`', () => {
    const setup =
      'scenario "s" {\n  m = vkAllocateMemory 64KiB host-visible exportable\n  h = vkGetMemoryFdKHR m dma-buf\n  o = open memfd "f" 64KiB\n';
    const took = `${setup}  g = vkAllocateMemory 64KiB host-visible import h\n`;
    lacks(labels(`${took}  g2 = vkAllocateMemory 64KiB host-visible import ⟨|⟩\n}\n`), 'h');
    const mmapFd = labels(`${took}  q = mmap 64KiB rw shared fd ⟨|⟩\n}\n`);
    lacks(mmapFd, 'h');
    has(mmapFd, 'o');
    // Above the import the fd is still open.
    has(
      labels(
        `${setup}  q = mmap 64KiB rw shared fd ⟨|⟩\n  g = vkAllocateMemory 64KiB host-visible import h\n}\n`,
      ),
      'h',
    );
  });

  test('a partly typed word keeps the context', () => {
    has(labels('scenario "s" {\n  vkA⟨|⟩\n}\n'), 'vkAllocateMemory');
  });

  test('after `name =`: verbs', () => {
    const list = labels('scenario "s" {\n  a = ⟨|⟩\n}\n');
    has(list, 'mmap', 'mremap', 'vkMapMemory');
    lacks(list, 'kernel');
  });

  test('mmap flags: one protection only, used words left out', () => {
    const list = labels('scenario "s" {\n  a = mmap 4KiB rw private ⟨|⟩\n}\n');
    has(list, 'anon', 'fixed', 'fixed-noreplace', 'at', 'fd');
    lacks(list, 'rw', 'r', 'private', 'maymove');
  });

  test('mremap flags and names of mappings defined above, not below', () => {
    const list = labels(
      'scenario "s" {\n  a = mmap 2MiB rw private anon\n  b = mremap ⟨|⟩\n  c = mmap 4KiB rw private anon\n}\n',
    );
    has(list, 'a');
    lacks(list, 'c', 'b', 'anon', 'maymove');
    // The flags once the three sizes are there; the optional new address after them.
    const flags = completionsAt(
      at('scenario "s" {\n  a = mmap 2MiB rw private anon\n  b = mremap a, 2MiB, 2MiB, ⟨|⟩\n}\n').analysis,
      at('scenario "s" {\n  a = mmap 2MiB rw private anon\n  b = mremap a, 2MiB, 2MiB, ⟨|⟩\n}\n').offset,
    );
    has(
      flags.map((i) => i.label),
      'maymove',
      'dontunmap',
      'a',
    );
    assert.equal(first(flags)?.kind, 'flag');
  });

  test('the argument being typed decides: names for a missing one, the words once all are given', () => {
    const body = (line: string) =>
      at(
        `scenario "c" {\n  a = mmap 64KiB rw private anon\n  m = vkAllocateMemory 64KiB host-visible exportable\n  ${line}\n}\n`,
      );
    const items = (line: string) => {
      const c = body(line);
      return completionsAt(c.analysis, c.offset);
    };
    // `madvise a, 4KiB, |`: the advice, never a name that would be an extra argument.
    const advice = items('madvise a, 4KiB, ⟨|⟩');
    has(
      advice.map((i) => i.label),
      'dontneed',
      'free',
      'dontfork',
      'dofork',
      'wipeonfork',
      'keeponfork',
    );
    lacks(
      advice.map((i) => i.label),
      'a',
      'm',
    );
    assert.equal(first(advice)?.kind, 'flag');
    // `madvise |` and `madvise a, |`: the address and the length, no advice yet.
    for (const line of ['madvise ⟨|⟩', 'madvise a, ⟨|⟩', 'madvise a + ⟨|⟩']) {
      const list = items(line).map((i) => i.label);
      has(list, 'a');
      lacks(list, 'dontneed', 'dontfork');
    }
    // `vkGetMemoryFdKHR m |`: the handle types only; `vkGetMemoryFdKHR |` the memory.
    const handle = items('f = vkGetMemoryFdKHR m ⟨|⟩').map((i) => i.label);
    assert.deepEqual(handle.sort(), ['dma-buf', 'opaque-fd']);
    const memory = items('f = vkGetMemoryFdKHR ⟨|⟩').map((i) => i.label);
    has(memory, 'm');
    lacks(memory, 'dma-buf', 'a');
  });

  test('a unit written apart from its number is that number’s, not one more argument', () => {
    const items = (line: string) => {
      const c = at(`scenario "s" {\n  a = mmap 64KiB rw private anon\n  ${line}\n}\n`);
      return completionsAt(c.analysis, c.offset);
    };
    // new_size is still missing after `4 KiB,`: names, as after `4KiB,`; no flag first.
    for (const line of ['mremap a, 4 KiB, ⟨|⟩', 'mremap a, 0x10 KiB, ⟨|⟩', 'mremap a, 1 pages, ⟨|⟩']) {
      const list = items(line).map((i) => i.label);
      has(list, 'a');
      lacks(list, 'maymove', 'fixed', 'dontunmap');
    }
    // All three sizes there: the flags first, and names still for the optional new address.
    const flags = items('mremap a, 4 KiB, 8 KiB, ⟨|⟩');
    has(
      flags.map((i) => i.label),
      'maymove',
      'a',
    );
    assert.equal(first(flags)?.kind, 'flag');
    // `madvise a, 1 pages, |`: the advice (the unit is not the length).
    const advice = items('madvise a, 1 pages, ⟨|⟩');
    has(
      advice.map((i) => i.label),
      'dontneed',
    );
    assert.equal(first(advice)?.kind, 'flag');
  });

  test('open: the file kind comes first and is offered until one is given', () => {
    const items = (line: string) => {
      const c = at(`scenario "s" {\n  a = mmap 64KiB rw private anon\n  ${line}\n}\n`);
      return completionsAt(c.analysis, c.offset);
    };
    for (const line of ['f = open ⟨|⟩', 'f = open m⟨|⟩']) {
      const kinds = items(line);
      has(
        kinds.map((i) => i.label),
        'memfd',
        'file',
        'device',
      );
      assert.equal(first(kinds)?.detail, 'file kind');
    }
    lacks(
      items('f = open memfd ⟨|⟩').map((i) => i.label),
      'memfd',
      'file',
      'device',
    );
  });

  test('memory arguments take memory names only', () => {
    const list = labels(
      'scenario "s" {\n  a = mmap 2MiB rw private anon\n  mem = vkAllocateMemory 16MiB host-visible\n  p = vkMapMemory ⟨|⟩\n}\n',
    );
    has(list, 'mem');
    lacks(list, 'a', 'placed');
    has(
      labels('scenario "s" {\n  mem = vkAllocateMemory 16MiB host-visible\n  p = vkMapMemory mem ⟨|⟩\n}\n'),
      'placed',
      'whole',
      'offset',
    );
  });

  test("a syscall's address offers memory objects (its driver's own address with `by DRIVER`), its length does not", () => {
    const body = (line: string) =>
      `scenario "s" {\n  a = mmap 2MiB rw private anon\n  mem = vkAllocateMemory 16MiB host-visible\n  ${line}\n}\n`;
    for (const verb of ['madvise', 'munmap', 'mprotect', 'mremap'])
      has(labels(body(`${verb} ⟨|⟩`)), 'a', 'mem');
    lacks(labels(body('madvise a, ⟨|⟩')), 'mem');
    lacks(labels(body('mmap 4KiB rw private anon at ⟨|⟩')), 'mem');
  });

  test('option values: `by` takes actors, `fd` takes files', () => {
    has(
      labels('scenario "s" {\n  driver mesa {\n  }\n  r1 = reserve 4KiB by ⟨|⟩\n}\n'),
      'app',
      'wine',
      'mesa',
    );
    // A reservation's own word, the Wine reserved area (`reserve … preloaded`).
    has(labels('scenario "s" {\n  dos = reserve 1MiB at 0x1_0000 by wine ⟨|⟩\n}\n'), 'preloaded');
    const fd = labels('scenario "s" {\n  f = open memfd "x" 4KiB\n  a = mmap 4KiB rw shared fd ⟨|⟩\n}\n');
    has(fd, 'f');
  });

  test("a name's documentation shows its step as one code span, even with backticks in a string", () => {
    const c = at(
      'scenario "s" {\n  f = open memfd "x` [click](https://example.com/c) ![px](https://example.com/p.png) `y" 8KiB\n  a = mmap 4KiB rw shared fd ⟨|⟩\n}\n',
    );
    const f = completionsAt(c.analysis, c.offset).find((i) => i.label === 'f');
    assert.equal(
      f?.documentation,
      '`f = open memfd "x\' [click](https://example.com/c) ![px](https://example.com/p.png) \'y" 8KiB`',
    );
  });

  test('a word that starts with digits is offered while its digits are typed, beside the units', () => {
    // The lexer reads `3` as a number, so this was units only: `32bit` could not be completed.
    const typed = labels('scenario "s" {\n  a = mmap 4KiB rw private anon 3⟨|⟩\n}\n');
    has(typed, '32bit', 'KiB');
    lacks(typed, 'above4g', 'fixed');
    has(labels('scenario "s" {\n  a = mmap 4KiB rw private anon 32⟨|⟩\n}\n'), '32bit');
    lacks(labels('scenario "s" {\n  a = mmap 4KiB rw private anon 4⟨|⟩\n}\n'), '32bit');
    // The same for a driver trait's values: `non-coherent-atom 6` offers 64.
    has(labels('scenario "s" {\n  driver d {\n    non-coherent-atom 6⟨|⟩\n  }\n}\n'), '64');
  });

  test('window: the usual windows, then `..` after the start, and nothing after the end', () => {
    has(labels('scenario "s" {\n  window ⟨|⟩\n}\n'), '0x1_0000 .. 0x8000_0000');
    assert.deepEqual(labels('scenario "s" {\n  window 0x1_0000 ⟨|⟩\n}\n'), ['..']);
    assert.deepEqual(labels('scenario "s" {\n  window 64KiB + 0x1000 ⟨|⟩\n}\n'), ['..']);
    assert.deepEqual(labels('scenario "s" {\n  window 0x1_0000 .. 0x7fff_0000 ⟨|⟩\n}\n'), []);
    assert.deepEqual(labels('scenario "s" {\n  window 0x1_0000 + ⟨|⟩\n}\n'), []);
  });

  test('units after a number, spaced or glued', () => {
    has(labels('scenario "s" {\n  a = mmap 16 ⟨|⟩\n}\n'), 'KiB', 'MiB', 'GiB');
    const c = at('scenario "s" {\n  a = mmap 16M⟨|⟩\n}\n');
    const items = completionsAt(c.analysis, c.offset);
    const mib = items.find((i) => i.label === 'MiB');
    assert.ok(mib?.replace);
    assert.equal(c.text.slice(mib.replace.start, mib.replace.end), 'M');
    // Inside a unit, the letters after the cursor are replaced too: `16M|iB` → `16KiB`.
    const inside = at('scenario "s" {\n  b = mmap 16M⟨|⟩iB rw private anon\n}\n');
    const kib = completionsAt(inside.analysis, inside.offset).find((i) => i.label === 'KiB');
    assert.ok(kib?.replace);
    assert.equal(inside.text.slice(kib.replace.start, kib.replace.end), 'MiB');
    const accepted = inside.text.slice(0, kib.replace.start) + 'KiB' + inside.text.slice(kib.replace.end);
    assert.match(accepted, /b = mmap 16KiB rw private anon/);
  });

  test('strategy words with docs; kernel versions', () => {
    const c = at('scenario "s" {\n  strategy ⟨|⟩\n}\n');
    const items = completionsAt(c.analysis, c.offset);
    assert.ok(items.find((i) => i.label === 'placed')?.documentation?.includes('Source:'));
    has(labels('scenario "s" {\n  kernel ⟨|⟩\n}\n'), '5.13', '6.18');
  });

  test('driver blocks: traits, then their words', () => {
    has(
      labels('scenario "s" {\n  driver mesa {\n    ⟨|⟩\n  }\n}\n'),
      'maps',
      'backing',
      'caches-pointer',
      'placed-map',
      'vram',
      'gtt',
    );
    const words = labels('scenario "s" {\n  driver mesa {\n    maps ⟨|⟩\n  }\n}\n');
    has(words, 'at-map', 'at-alloc', 'pool');
    lacks(words, 'mmap');
  });

  test('non-coherent-atom: the powers of two 1 to 256, the default 64 first', () => {
    const c = at('scenario "s" {\n  driver gpu {\n    non-coherent-atom ⟨|⟩\n  }\n}\n');
    const items = completionsAt(c.analysis, c.offset);
    assert.deepEqual(
      items.map((i) => i.label).sort((x, y) => Number(x) - Number(y)),
      ['1', '2', '4', '8', '16', '32', '64', '128', '256'],
    );
    assert.equal(first(items)?.label, '64');
    assert.deepEqual(
      completionsAt(
        at('scenario "s" {\n  driver gpu {\n    non-coherent-atom 64 ⟨|⟩\n  }\n}\n').analysis,
        at('scenario "s" {\n  driver gpu {\n    non-coherent-atom 64 ⟨|⟩\n  }\n}\n').offset,
      ).filter((i) => i.kind === 'value'),
      [],
    );
  });

  test('driver blocks offer `any`: a line of it, and as the value of a trait exploration varies', () => {
    has(labels('scenario "s" {\n  driver mesa {\n    ⟨|⟩\n  }\n}\n'), 'any');
    has(labels('scenario "s" {\n  driver mesa {\n    maps ⟨|⟩\n  }\n}\n'), 'any');
    has(labels('scenario "s" {\n  driver mesa {\n    backing ⟨|⟩\n  }\n}\n'), 'any');
    // Not a trait explore varies, and not after a value.
    lacks(labels('scenario "s" {\n  driver mesa {\n    preset ⟨|⟩\n  }\n}\n'), 'any');
    lacks(labels('scenario "s" {\n  driver mesa {\n    maps pool ⟨|⟩\n  }\n}\n'), 'any');
  });

  test('expectations: forms, rule codes, outcome words', () => {
    has(
      labels('scenario "s" {\n  a = mmap 4KiB rw private anon\n  expect ⟨|⟩\n}\n'),
      'read',
      'mapped',
      'diagnostic',
      'a',
      'app',
    );
    has(labels('scenario "s" {\n  expect diagnostic ⟨|⟩\n}\n'), 'stale-pointer', 'pointer-outside-window');
    has(
      labels('scenario "s" {\n  a = mmap 4KiB rw private anon\n  w = write a, 1\n  expect w == ⟨|⟩\n}\n'),
      'EINVAL',
      'ok',
      'SIGSEGV',
    );
    has(labels('scenario "s" {\n  expect app ⟨|⟩\n}\n'), 'reads');
  });

  test('after `==` an expectation offers what its form compares with, and nothing the checker refuses there', () => {
    // Every step kind the checker tells apart (sim/expectations.ts compareValue): an address, a
    // write (an access, whose outcome can be a fault), a Vulkan call that returns a VkResult, and
    // one that returns void (a VkResult there is wrong-kind).
    const body = (line: string) =>
      `scenario "c" {\n  a = mmap 4KiB rw private anon\n  w = write a, 1\n  m = vkAllocateMemory 64KiB host-visible coherent\n  p = vkMapMemory m\n  u = vkUnmapMemory m\n  ${line}\n}\n`;
    // The offered values are checked for the form only: whether the expectation holds is its own
    // finding (expectation-failed), not a fault of the item.
    const offered = (line: string) => {
      const items = accepted(body(line));
      for (const { label, codes } of items)
        assert.deepEqual(
          codes.filter((code) => code !== 'expectation-failed'),
          [],
          `accepting ${label} in \`${line}\``,
        );
      return items.map((i) => i.label);
    };

    // `expect NAME ==`: the step's outcome, or an address (docs/language.md, Expectations).
    const mapping = offered('expect a == ⟨|⟩');
    has(
      mapping,
      'EINVAL',
      'ENOMEM',
      'VK_SUCCESS',
      'GL_OUT_OF_MEMORY',
      'KERN_NO_SPACE',
      'NULL',
      'ok',
      'a',
      'p',
    );
    // A read's values (`zero`, a write's name) and a mapping's fault it never has.
    lacks(mapping, 'zero', 'w', 'm', 'SIGSEGV', 'SIGBUS');
    for (const op of ['!=', '==']) lacks(offered(`expect m ${op} ⟨|⟩`), 'zero', 'w', 'm');
    has(offered('expect m == ⟨|⟩'), 'VK_SUCCESS', 'VK_ERROR_OUT_OF_DEVICE_MEMORY', 'ok');
    // A write's outcome may be a fault (`expect w == SIGSEGV`).
    has(offered('expect w == ⟨|⟩'), 'SIGSEGV', 'SIGBUS', 'ok');
    // vkUnmapMemory returns void: `ok`, not a VkResult.
    const unmap = offered('expect u == ⟨|⟩');
    has(unmap, 'ok');
    lacks(unmap, 'VK_SUCCESS', 'VK_ERROR_MEMORY_MAP_FAILED');
    // Not a step's name: only another address (an outcome word is wrong-kind there).
    const sum = offered('expect a + 4KiB != ⟨|⟩');
    has(sum, 'a', 'p');
    lacks(sum, 'EINVAL', 'ok', 'VK_SUCCESS', 'NULL', 'zero', 'w');

    // `expect [ACTOR] read(s) ADDRESS, LENGTH ==`: a byte's value, a write's data or a fault.
    for (const line of ['expect read a, 1 == ⟨|⟩', 'expect app reads a, 1 != ⟨|⟩']) {
      const read = offered(line);
      has(read, 'zero', 'SIGSEGV', 'SIGBUS', 'w');
      lacks(read, 'EINVAL', 'VK_SUCCESS', 'NULL', 'ok', 'a', 'p', 'm');
    }
  });

  test('expect ACTOR reads: the device reaches memory objects only, a driver memory and addresses, others addresses', () => {
    const body = (line: string) =>
      labels(
        `scenario "c" {\n  mem = vkAllocateMemory 1MiB host-visible coherent\n  a = mmap 4KiB rw private anon\n  ${line}\n}\n`,
      );
    const device = body('expect device reads ⟨|⟩');
    has(device, 'mem');
    lacks(device, 'a');
    has(body('expect driver reads ⟨|⟩'), 'mem', 'a');
    const app = body('expect app reads ⟨|⟩');
    has(app, 'a');
    lacks(app, 'mem');
    has(body('expect read ⟨|⟩'), 'a');
    lacks(body('expect read ⟨|⟩'), 'mem');
  });

  test('ACTOR writes: `device` takes memory objects only, no `by` after a leading actor', () => {
    const body = (line: string) =>
      labels(
        `scenario "c" {\n  driver gpu {\n  }\n  mem = vkAllocateMemory 1MiB host-visible coherent\n  a = mmap 4KiB rw private anon\n  ${line}\n}\n`,
      );
    const device = body('device writes ⟨|⟩');
    has(device, 'mem');
    lacks(device, 'a', 'by');
    const driver = body('gpu writes ⟨|⟩');
    has(driver, 'mem', 'a');
    lacks(driver, 'by');
    const app = body('app writes ⟨|⟩');
    has(app, 'a');
    lacks(app, 'mem', 'by');
    // Without a leading actor, `by` may still name a driver: its memory objects stay offered.
    has(body('write ⟨|⟩'), 'a', 'mem', 'by');
    has(body('g = device writes ⟨|⟩'), 'mem');
    lacks(body('g = device writes ⟨|⟩'), 'a');
  });

  test('`by` of a syscall or API call offers no `device`; of a read or write it does', () => {
    const body = (line: string) =>
      labels(
        `scenario "c" {\n  mem = vkAllocateMemory 1MiB host-visible coherent\n  a = mmap 4KiB rw private anon\n  ${line}\n}\n`,
      );
    const mmap = body('b = mmap 4KiB rw private anon by ⟨|⟩');
    has(mmap, 'app', 'wine', 'host');
    lacks(mmap, 'device');
    has(body('write mem, 4 by ⟨|⟩'), 'device', 'app');
  });

  test('`by` of a syscall whose address is a memory object offers its driver only: every other actor is wrong-kind', () => {
    const body = (line: string) =>
      labels(
        `scenario "c" {\n  driver lvp {\n    preset lavapipe\n  }\n  driver radv {\n    preset radv\n  }\n  mem = vkAllocateMemory 1MiB host-visible coherent driver lvp\n  p = vkMapMemory mem\n  ${line}\n}\n`,
      );
    for (const line of [
      'munmap mem, 4KiB by ⟨|⟩',
      'madvise mem, 4KiB, dontneed by ⟨|⟩',
      'mprotect mem + 4KiB, 4KiB, r by ⟨|⟩',
      'q = mremap mem, 4KiB, 8KiB, maymove by ⟨|⟩',
    ])
      assert.deepEqual(body(line), ['lvp'], line);
    // An address that is not a memory object: any CPU actor may make the call.
    has(body('munmap p, 4KiB by ⟨|⟩'), 'app', 'wine', 'lvp', 'radv');
  });

  test('after `name =`: the actors of an access too, then their verbs', () => {
    has(labels('scenario "s" {\n  g = ⟨|⟩\n}\n'), 'device', 'wine', 'app', 'mmap');
    has(labels('scenario "s" {\n  g = device ⟨|⟩\n}\n'), 'writes', 'reads');
  });

  test('nothing inside comments or strings', () => {
    assert.deepEqual(labels('scenario "s" {\n  # mm⟨|⟩\n}\n'), []);
    assert.deepEqual(labels('scenario "s⟨|⟩" {\n}\n'), []);
  });

  test('the access form after an actor', () => {
    has(labels('scenario "s" {\n  app ⟨|⟩\n}\n'), 'writes', 'reads');
    has(labels('scenario "s" {\n  device ⟨|⟩\n}\n'), 'writes', 'reads');
  });
});

describe('completion offers only what the step takes there (review: completion by completion only)', () => {
  const H = `scenario "s" {\n  kernel 6.6\n  driver lvp {\n    preset lavapipe\n  }\n  strategy none\n  mem = vkAllocateMemory 64KiB host-visible coherent\n`;

  test('after `size`, a size, not `whole` (a word of the verb, offered among its words)', () => {
    lacks(labels(`${H}  vkFlushMappedMemoryRanges mem offset 0 size ${CURSOR}\n}`), 'whole');
    has(labels(`${H}  vkFlushMappedMemoryRanges mem ${CURSOR}\n}`), 'whole');
  });

  test('once a userfaultfd handler is given, no other handler is offered', () => {
    const rest = `  a = mmap 64KiB rw private anon\n  b = mmap 64KiB rw private anon\n`;
    for (const given of ['copy-from b', 'map-moved b', 'zero', 'fail']) {
      const list = labels(`${H}${rest}  uffd a, 64KiB ${given} ${CURSOR}\n}`);
      lacks(list, ...['zero', 'fail', 'copy-from', 'map-moved'].filter((h) => !given.startsWith(h)));
      has(list, 'by');
    }
    has(labels(`${H}${rest}  uffd a, 64KiB ${CURSOR}\n}`), 'zero', 'fail', 'copy-from', 'map-moved');
  });

  test('`uffd` takes a memory object for its address', () => {
    has(labels(`${H}  uffd ${CURSOR}\n}`), 'mem');
  });
});

describe("access targets: a driver's own memory objects, and no memory object as an offset or a length", () => {
  const two = `scenario "s" {\n  driver lvp {\n    preset lavapipe\n  }\n  driver radv {\n    preset radv\n  }\n  m = vkAllocateMemory 64KiB host-visible driver radv\n  n = vkAllocateMemory 64KiB host-visible driver lvp\n`;

  test("another driver's memory object is not offered to a driver", () => {
    const steps = labels(`${two}  lvp writes ${CURSOR}\n}`);
    has(steps, 'n');
    lacks(steps, 'm');
    const expects = labels(`${two}  expect lvp reads ${CURSOR}\n}`);
    has(expects, 'n');
    lacks(expects, 'm');
  });

  test('after `+` or `,` in an expected read, no memory object', () => {
    lacks(labels(`${two}  expect lvp reads n + ${CURSOR}\n}`), 'n', 'm');
    lacks(labels(`${two}  expect lvp reads n, ${CURSOR}\n}`), 'n', 'm');
  });
});

test('a number after `kernel` is completed to a version, never given a unit', () => {
  const c = at(`scenario "s" {\n  kernel 6${CURSOR}\n}`);
  const items = completionsAt(c.analysis, c.offset);
  lacks(
    items.map((i) => i.label),
    'KiB',
    'MiB',
  );
  has(
    items.map((i) => i.label),
    '6.6',
    '6.18',
  );
  // Accepted, the version replaces what was typed: no `66.6`.
  const item = items.find((i) => i.label === '6.6')!;
  assert.deepEqual(item.replace, { start: c.offset - 1, end: c.offset });
  // A size still takes its units.
  has(labels(`scenario "s" {\n  a = mmap 4${CURSOR}\n}`), 'KiB', 'MiB');
});
