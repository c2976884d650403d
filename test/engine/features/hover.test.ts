import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { hoverAt } from '../../../server/src/engine/features/hover';
import { expectHover, hoverOf } from './fixture';

const scenario = (body: string) => `scenario "s" {\n${body}\n}\n`;

describe("hover: the engine's reasons", () => {
  test('a name the reason quotes shows as code, not as escaped backticks', () => {
    const markdown = expectHover(
      scenario('  p = mmap 0 rw private anon\n  munmap p⟨|⟩ + 0x10, 4KiB'),
      '— `p` has no address',
    );
    assert.doesNotMatch(markdown, /\\`/);
  });
});

describe('hover: numbers and addresses', () => {
  test('a hex literal: hex with groups, decimal, size, alignment, window', () => {
    expectHover(
      scenario('  a = mmap 4KiB rw private anon at 0x1000⟨|⟩_0000 fixed'),
      '`0x1000_0000`',
      '268_435_456',
      '256 MiB',
      '2 MiB-aligned',
      'Inside the 32-bit window',
    );
  });

  test('`page` on 16 KiB pages: the hover says the unit is 4 KiB and the scenario page 16 KiB', () => {
    const sized = (page: string, body: string) => `scenario "s" {\n  page-size ${page}\n${body}\n}\n`;
    const note =
      "`page` is drvmap's 4 KiB unit in every scenario; this scenario's page (`page-size`) is 16 KiB";
    expectHover(
      sized('16KiB', '  a = mmap 2 pa⟨|⟩ges rw private anon'),
      '8 KiB',
      'not 16 KiB page-aligned',
      note,
    );
    expectHover(
      sized(
        '16KiB',
        '  a = mmap 2 pages rw private anon\n  b = mmap 1 page rw private anon\n  expect b == a - 1 pa⟨|⟩ge',
      ),
      note,
    );
    // 4 KiB pages: the unit is the page, nothing to say; a size in KiB says nothing either.
    assert.doesNotMatch(
      hoverOf(sized('4KiB', '  a = mmap 2 pa⟨|⟩ges rw private anon')) ?? '',
      /drvmap's 4 KiB unit/,
    );
    assert.doesNotMatch(
      hoverOf(sized('16KiB', '  a = mmap 8Ki⟨|⟩B rw private anon')) ?? '',
      /drvmap's 4 KiB unit/,
    );
  });

  test('alignment is against the scenario page size, and the largest alignment that matters is named', () => {
    const sized = (page: string, literal: string) =>
      `scenario "s" {\n  page-size ${page}\n  a = mmap 64KiB rw private anon at ${literal} fixed\n}\n`;
    expectHover(sized('16KiB', '0x2000_1⟨|⟩000'), 'not 16 KiB page-aligned (+0x1000)');
    expectHover(sized('16KiB', '0x2000_4⟨|⟩000'), '16 KiB page-aligned, not 64 KiB-aligned');
    expectHover(sized('64KiB', '0x2001_0⟨|⟩000'), '64 KiB page-aligned');
    // The huge page sizes are the page geometry's: PMD_SIZE is 32 MiB with 16 KiB pages and 512 MiB
    // with 64 KiB ones (arm64), so those are what THP aligns to and what the hover names.
    expectHover(sized('16KiB', '0x2200_0⟨|⟩000'), '32 MiB-aligned');
    expectHover(sized('64KiB', '0x2000_0⟨|⟩000'), '512 MiB-aligned');
    expectHover(sized('64KiB', '0x2020_0⟨|⟩000'), '2 MiB-aligned');
    expectHover(scenario('  a = mmap 4KiB rw private anon at 0x7fff_f6e⟨|⟩0_0000 fixed'), '2 MiB-aligned');
    expectHover(scenario('  a = mmap 4KiB rw private anon at 0x4000_0⟨|⟩000 fixed'), '1 GiB-aligned');
    expectHover(
      scenario('  a = mmap 4KiB rw private anon at 0x4000_1⟨|⟩000 fixed'),
      'page-aligned, not 64 KiB-aligned',
    );
  });

  test("a pointer inside the window whose mapping runs past the window's end says so, as check does", () => {
    const text = `scenario "s" {
  window 0x1_0000 .. 0xffff_0000
  mmap-base 0x1_0000_1000
  mem = vkAllocateMemory 1MiB host-visible
  ⟨|⟩p = vkMapMemory mem
  app writes p, 64
}
`;
    expectHover(
      text,
      'Inside the 32-bit window',
      "**But** the mapping it points into runs to `0x1_0000_1000`, past the window's end: its last 68 KiB (`0xffff_0000`..`0x1_0000_1000`) lie outside (`pointer-outside-window` on this step)",
    );
    // A pointer whose mapping ends inside the window has no such line.
    const inside = text.replace('mmap-base 0x1_0000_1000', 'mmap-base 0x8000_0000');
    expectHover(inside, 'Inside the 32-bit window');
    assert.doesNotMatch(hoverOf(inside) ?? '', /past the window's end/);
  });

  test("an address in KUSER_SHARED_DATA's 64 KiB says no allocation of Wine's lands there", () => {
    expectHover(
      scenario('  expect unmapped 0x7ffe_⟨|⟩8000'),
      'Inside the 32-bit window',
      "Wine's KUSER_SHARED_DATA (`0x7ffe_0000`, Wine's from process start): no window allocation of Wine's covers `0x7ffe_0000`..`0x7fff_0000`",
    );
    assert.doesNotMatch(hoverOf(scenario('  expect unmapped 0x7ffd_⟨|⟩8000')) ?? '', /KUSER_SHARED_DATA/);
  });

  test('a size literal with a unit', () => {
    expectHover(scenario('  a = mmap 2M⟨|⟩iB rw private anon'), '`0x20_0000`', '2_097_152', '2 MiB');
  });

  test('an address expression outside the window: by how much, truncated, what is mapped there and who made it', () => {
    const md = expectHover(
      scenario(
        '  mem = vkAllocateMemory 16MiB host-visible coherent\n  p = vkMapMemory mem\n  app writes p + 0x1⟨|⟩00, 64',
      ),
      /`p \+ 0x100` = `0x7fff_[0-9a-f_]+100`/,
      '**Outside** the 32-bit window',
      'past its end',
      /truncated to 32 bits: `0x[0-9a-f]{4}_[0-9a-f]{1}100`/,
      'Mapped before step 3',
      'device BO',
      'of driver',
      'made at step 2',
      '`0x100` = `0x100`',
    );
    assert.match(md, /not page-aligned \(\+0x100\)/);
  });

  test("the window's end is exclusive: the end itself is outside, at the end; one byte below it is inside", () => {
    expectHover(
      scenario('  window 0x1_0000 .. 0xffff_0000\n  expect unmapped 0xffff_00⟨|⟩00'),
      'at its end (the end is exclusive)',
    );
    expectHover(
      scenario('  window 0x1_0000 .. 0xffff_0000\n  expect unmapped 0xffff_00⟨|⟩01'),
      '1 B past its end',
    );
    expectHover(
      scenario('  window 0x1_0000 .. 0xffff_0000\n  expect unmapped 0xfffe_ff⟨|⟩ff'),
      '1 B below its end',
    );
  });

  test('an address with nothing mapped', () => {
    expectHover(
      scenario('  a = mmap 4KiB rw private anon\n  expect mapped 0x5000⟨|⟩_0000'),
      'Nothing mapped there after step 1',
    );
  });

  test('a 64-bit value near 2^64 stays exact', () => {
    expectHover(
      scenario('  expect 0xffff_ffff_ffff_f⟨|⟩fff == 0'),
      '`0xffff_ffff_ffff_ffff`',
      '18_446_744_073_709_551_615',
    );
  });

  test('a kernel version', () => {
    expectHover(scenario('  kernel 5.1⟨|⟩5'), 'Linux 5.15');
  });
});

describe('hover: names', () => {
  test('a mapping name: its step, value and life (moved by DONTUNMAP, emptied)', () => {
    expectHover(
      scenario('  a = mmap 2MiB rw private anon\n  b = mremap a⟨|⟩, 2MiB, 2MiB, maymove | dontunmap'),
      '**a** (mapping)',
      'step 1, line 2',
      /`→ 0x7fff_[0-9a-f_]+`/,
      'created',
      /step 2: (moved|emptied)/,
      'reference',
    );
  });

  test('a memory object: its history from VkMemory', () => {
    expectHover(
      scenario(
        '  me⟨|⟩m = vkAllocateMemory 16MiB host-visible\n  p = vkMapMemory mem\n  vkUnmapMemory mem\n  vkFreeMemory mem',
      ),
      '**mem** (memory)',
      'mapped',
      'unmapped',
      'freed',
      '3 references',
    );
  });

  test('an exported fd an import took: hover says which step closed it', () => {
    expectHover(
      scenario(
        '  m = vkAllocateMemory 64KiB host-visible exportable\n  h = vkGetMemoryFdKHR m dma-buf\n  g = vkAllocateMemory 64KiB host-visible import h\n  q = mmap 64KiB rw shared fd h⟨|⟩',
      ),
      '**h** (dma-buf fd',
      'step 3, line 4: closed: the import into g took it',
    );
  });

  test('a driver name: its traits', () => {
    expectHover(
      scenario('  driver me⟨|⟩sa {\n    maps at-alloc\n    caches-pointer\n  }'),
      '**mesa** (driver)',
      'maps at-alloc',
      'caches-pointer',
      'non-coherent-atom 64',
    );
    expectHover(scenario('  driver me⟨|⟩sa {\n    non-coherent-atom 256\n  }'), 'non-coherent-atom 256');
  });

  test("a driver on amdgpu: its VRAM and GTT domain sizes, the preset's or the lines'", () => {
    expectHover(scenario('  driver g⟨|⟩pu {\n    preset radv\n  }'), 'vram 8 GiB', 'gtt 16 GiB');
    expectHover(
      scenario('  driver g⟨|⟩pu {\n    preset radv\n    vram 24GiB\n    gtt 62GiB\n  }'),
      'vram 24 GiB',
      'gtt 62 GiB',
    );
    // nouveau (nvk) has no such check: no sizes to show.
    assert.doesNotMatch(
      expectHover(scenario('  driver g⟨|⟩pu {\n    preset nvk\n  }'), '**gpu**'),
      /vram|gtt/,
    );
    // Nor does a software driver's memory, even on preset radv.
    assert.doesNotMatch(
      expectHover(scenario('  driver g⟨|⟩pu {\n    preset radv\n    backing shmem\n  }'), '**gpu**'),
      /vram|gtt/,
    );
  });

  test('the built-in `device` actor: the GPU, memory objects only', () => {
    expectHover(
      scenario('  mem = vkAllocateMemory 16MiB host-visible\n  dev⟨|⟩ice writes mem, 1'),
      '**device** (actor)',
      'The GPU',
      'shadow copy',
    );
  });

  test('a built-in actor', () => {
    expectHover(
      scenario('  mem = vkAllocateMemory 16MiB host-visible\n  p = vkMapMemory mem\n  ap⟨|⟩p writes p, 1'),
      '**app** (actor)',
      '32-bit',
    );
  });
});

describe('hover: steps and words', () => {
  test('a verb: what the step expanded to and its result', () => {
    expectHover(
      scenario('  mem = vkAllocateMemory 16MiB host-visible\n  p = vkMap⟨|⟩Memory mem'),
      '**vkMapMemory**',
      'Step 2, by app',
      'vkMapMemory(mem',
      'mmap(NULL, 0x100_0000',
      /Result: `0x7fff_[0-9a-f_]+`/,
    );
  });

  test("a step's calls do not include those an `expect` line after it made (a userfaultfd fault)", () => {
    const md = expectHover(
      scenario(
        [
          '  kernel 6.6',
          '  a = mmap 8KiB rw private anon',
          '  write a, 8KiB, 0xAB',
          '  b = mremap a, 8KiB, 8KiB, maymove | dontunmap',
          '  uf⟨|⟩fd a, 8KiB copy-from b',
          '  expect read a, 1 == 0xAB',
        ].join('\n'),
      ),
      'Step 4',
      'UFFDIO_REGISTER',
    );
    assert.doesNotMatch(md, /fault\(s\)/);
  });

  test('an `expect` line whose check made calls (a userfaultfd fault) lists them in its hover', () => {
    expectHover(
      scenario(
        [
          '  kernel 6.6',
          '  a = mmap 8KiB rw private anon',
          '  write a, 8KiB, 0xAB',
          '  b = mremap a, 8KiB, 8KiB, maymove | dontunmap',
          '  uffd a, 8KiB copy-from b',
          '  exp⟨|⟩ect read a, 1 == 0xAB',
        ].join('\n'),
      ),
      '✓ **Held**',
      'Its check made:',
      /1 fault\(s\) on missing page\(s\)/,
    );
  });

  test('a refused syscall: errno and reason', () => {
    expectHover(
      scenario('  c = mm⟨|⟩ap 4KiB rw private anon at 0x1234 fixed'),
      'Result: **EINVAL**',
      'align',
    );
  });

  test('a flag word: its documentation and source', () => {
    expectHover(
      scenario('  a = mmap 2MiB rw private anon\n  b = mremap a, 2MiB, 2MiB, maymove | dont⟨|⟩unmap'),
      '**dontunmap** (mremap flags)',
      'MREMAP_DONTUNMAP',
      'Source: man:mremap(2)',
    );
  });

  test('`preloaded` on reserve: a Wine reserved area, with the preloader as its source', () => {
    expectHover(
      scenario('  dos = reserve 1MiB at 0x1_0000 by wine preload⟨|⟩ed'),
      '**preloaded** (reservation kind)',
      'wine_main_preload_info',
      'Source: wine-mirror/wine loader/preloader.c',
    );
  });

  test('a strategy word and the strategy setting', () => {
    expectHover(scenario('  strategy pla⟨|⟩ced'), '**placed**', 'VK_EXT_map_memory_placed', 'Source:');
    expectHover(scenario('  strat⟨|⟩egy placed'), '**strategy** (setting)', 'Now: `placed`');
  });

  test('a driver trait and its word', () => {
    expectHover(
      scenario('  driver mesa {\n    ma⟨|⟩ps at-alloc\n  }'),
      '**maps** (driver trait)',
      'Source: docs/hazards.md (H1, H3)',
    );
    expectHover(scenario('  driver mesa {\n    maps at-al⟨|⟩loc\n  }'), '**at-alloc** (maps trait)', 'H3');
  });

  test('a rule code in `expect diagnostic`', () => {
    expectHover(
      scenario(
        '  mem = vkAllocateMemory 16MiB host-visible\n  p = vkMapMemory mem\n  expect diagnostic pointer-outside⟨|⟩-window',
      ),
      '**pointer-outside-window**',
      'rules.md#pointer-outside-window',
    );
  });

  test('nothing outside scenarios', () => {
    assert.equal(hoverOf('# com⟨|⟩ment\nscenario "s" {\n}\n'), undefined);
  });
});

describe('hover: a step not run', () => {
  test('says why once, without repeating "not run"', () => {
    const md = expectHover(
      scenario('  a = mmap 0 rw private anon\n  mun⟨|⟩map a, 4KiB'),
      'Not run: an argument is missing or has no value',
    );
    assert.equal(md.match(/not run/gi)?.length, 1, md);
  });
});

describe('hover: names from the file are text, never markup', () => {
  // A file name, memfd name or device path is the file's text: it must not become a link, an
  // image fetched from the network, HTML or emphasis in the hover.
  const HOSTILE =
    '[click me](https://example.com/x) ![px](https://example.com/p.png) <img src=https://example.com/i.png> **bold** `x` _y_';
  const text = `scenario "s" {
  f = open memfd "${HOSTILE}" 8KiB
  m = mmap 8KiB rw shared fd f
  write m, 1, 1
  g = open file "/tmp/${HOSTILE}" 8KiB
  r = mmap 8KiB r private fd g
  read r, 1
  d = open device "/dev/dri/${HOSTILE}" 64KiB
  b = mmap 64KiB rw shared fd d
  write b + 0x10, 1
}
`;
  const analysis = analyseDocument(text);
  /** The markdown outside code spans: what VS Code would render as markup. */
  const outsideCode = (markdown: string) => markdown.replace(/`[^`\n]*`/g, '');

  test('no hover anywhere in the scenario has a link, image, tag or emphasis from a name', () => {
    let mapped = 0;
    for (let offset = 0; offset < text.length; offset++) {
      const markdown = hoverAt(analysis, offset)?.markdown;
      if (!markdown) continue;
      if (markdown.includes('Mapped ')) mapped++;
      const rendered = outsideCode(markdown);
      for (const markup of ['](', '<img', '**bold**', 'example.com', '_y_'])
        assert.ok(
          !rendered.includes(markup),
          `offset ${offset}: ${markup} outside a code span:\n${markdown}`,
        );
    }
    assert.ok(mapped >= 3, 'the memfd, file and device mappings were hovered');
  });

  test('the name is still shown, whole, in a code span', () => {
    const offset = text.indexOf('write m') + 'write '.length;
    const markdown = hoverAt(analysis, offset)?.markdown ?? '';
    assert.ok(
      markdown.includes(
        "`memfd /memfd:[click me](https://example.com/x) ![px](https://example.com/p.png) <img src=https://example.com/i.png> **bold** 'x' _y_ (deleted)`",
      ),
      markdown,
    );
  });
});

describe('hover: what the run did at the cursor', () => {
  const at = (text: string, needle: string, delta = 1) =>
    hoverAt(analyseDocument(text), text.indexOf(needle) + delta)?.markdown ?? '';

  test('an app access above 4 GiB: where the 32-bit pointer reaches first, the 64-bit address second', () => {
    const text = `scenario "s" {\n  mem = vkAllocateMemory 16MiB host-visible coherent\n  p = vkMapMemory mem\n  app writes p + 0x100, 64\n  host writes p + 0x100, 64\n}\n`;
    const app = at(text, 'p + 0x100, 64\n  host', 4);
    assert.match(
      app,
      /\*\*app\*\* reaches `0xf6ff_f100` \(a 32-bit pointer keeps the low 32 bits\)\n\nNothing mapped there before step 3\n\nAt the 64-bit address: Mapped before step 3: `0x7fff_f6ff_f000`/,
    );
    // 64-bit host code reaches the address itself.
    const host = at(text, 'p + 0x100, 64\n}', 4);
    assert.doesNotMatch(host, /reaches/);
    assert.match(host, /\nMapped before step 4: `0x7fff_f6ff_f000`/);
  });

  test('an address over a name whose pages moved says what happened to them since', () => {
    const text = `scenario "s" {\n  kernel 6.6\n  a = mmap 64KiB rw private anon\n  write a, 4KiB, 0xAB\n  b = mremap a, 64KiB, 64KiB, maymove | dontunmap\n  r2 = read a + 0x10, 1\n}\n`;
    const moved = at(text, 'a + 0x10', 2);
    assert.match(
      moved,
      /Since `a` was made:\n- step 3: emptied \(pages moved away; the next touch reads zeros\)/,
    );
    // Before the move nothing is said: `write a` on line 4.
    assert.doesNotMatch(at(text, 'a, 4KiB, 0xAB', 0), /Since `a` was made/);
  });

  test('errnos, API results and the expectation words say what they mean', () => {
    const text = `scenario "s" {\n  a = mmap 4KiB rw private anon\n  b = mremap a, 4KiB, 4KiB, dontunmap\n  expect b == EINVAL\n  expect read a, 1 == zero\n  expect a != VK_ERROR_MEMORY_MAP_FAILED\n}\n`;
    assert.match(at(text, 'EINVAL'), /^\*\*EINVAL\*\* \(errno 22\) — the call fails with this error/);
    assert.match(at(text, 'zero'), /^\*\*zero\*\* \(expected result\) — All bytes are 0x00\./);
    assert.match(
      at(text, 'VK_ERROR_MEMORY_MAP_FAILED'),
      /^\*\*VK_ERROR_MEMORY_MAP_FAILED\*\* \(Vulkan result\) — what a failing Vulkan call returns/,
    );
    assert.doesNotMatch(at(text, 'EINVAL'), /not defined/);
  });

  test('VK_SUCCESS is a Vulkan result: it says which calls it matches, and that a syscall or GL call never does', () => {
    const text = `scenario "s" {\n  m = vkAllocateMemory 64KiB host-visible coherent\n  expect m == VK_SUCCESS\n}\n`;
    const hover = at(text, 'VK_SUCCESS');
    assert.match(
      hover,
      /^\*\*VK_SUCCESS\*\* \(Vulkan result\) — what a Vulkan command that returns a VkResult answers/,
    );
    assert.match(hover, /vkUnmapMemory and vkFreeMemory return void \(compare them with `ok`\)/);
    assert.doesNotMatch(hover, /GL or Mach call returns/);
    const nullText = `scenario "n" {\n  m = vkAllocateMemory 64KiB host-visible coherent\n  p = vkMapMemory m\n  expect p != NULL\n}\n`;
    assert.match(
      at(nullText, 'NULL'),
      /^\*\*NULL\*\* \(OpenGL map result\) — what `glMapBufferRange` returns/,
    );
  });

  test('`expect` says whether it held and what was seen', () => {
    const text = `scenario "s" {\n  a = mmap 4KiB rw private anon\n  expect read a, 1 == zero\n  expect a == 0x1000\n}\n`;
    assert.match(at(text, 'expect read'), /^✓ \*\*Held\*\*: host reads 0x00 at 0x7fff\\_f7ff\\_e000/);
    assert.match(at(text, 'expect a =='), /^✗ \*\*Failed\*\*: a is 0x7fff\\_f7ff\\_e000, expected 0x1000/);
  });

  test('`expect diagnostic` says whether the diagnostic came, as the trace does (the verdict is taken after the rules)', () => {
    const text = (steps: string) =>
      `scenario "d" {\n  kernel 5.6\n  a = mmap 4KiB rw private anon\n${steps}  expect diagnostic kernel-refused\n}\n`;
    const refused = text('  c = mremap a, 4KiB, 4KiB, dontunmap\n');
    assert.match(at(refused, 'expect diagnostic'), /^✓ \*\*Held\*\*: diagnostic kernel\\-refused on step 2/);
    assert.match(at(text(''), 'expect diagnostic'), /^✗ \*\*Failed\*\*/);
  });

  test('a kernel newer than the rules is simulated with 6.19’s; a driver shows every trait and what is open', () => {
    const text = `scenario "k" {\n  kernel 7.2\n  driver n1 {\n    preset nvk\n    maps any\n  }\n  driver g1 {\n    gl-client-pointer\n  }\n  a = mmap 4KiB rw private anon\n}\n`;
    assert.match(at(text, 'kernel'), /Simulating Linux 7\.2 with 6\.19's rules/);
    assert.match(at(text, '7.2'), /simulating Linux 7\.2 with 6\.19's rules/);
    assert.match(at(text.replace('7.2', '6.6'), 'kernel'), /Simulating Linux 6\.6\n/);
    const n1 = at(text, 'n1');
    assert.match(n1, /no external-memory-host/);
    assert.match(n1, /Left open for exploration: `maps`/);
    assert.match(at(text, 'g1'), / · external-memory-host · gl-client-pointer/);
  });
});

describe('hover: every word of the language says something', () => {
  const text = `scenario "kw" {\n  driver g {\n    any\n    maps any\n  }\n  a = mmap 4KiB rw private anon\n  expect read a, 1 == zero\n  expect mapped a\n  expect diagnostic kernel-refused\n}\n`;
  const at = (needle: string, delta = 1) => hoverAt(analyseDocument(text), text.indexOf(needle) + delta);

  test('`any` alone and as a trait value, and the form words of an expectation', () => {
    assert.match(
      at('    any\n', 5)?.markdown ?? '',
      /^\*\*any\*\* \(open traits\) — every trait of this driver is left open/,
    );
    assert.match(at('any\n  }', 1)?.markdown ?? '', /^\*\*any\*\* \(open trait\) — `maps` is left open/);
    const read = at('read a', 2);
    assert.match(read?.markdown ?? '', /^✓ \*\*Held\*\*: host reads 0x00/);
    assert.equal(text.slice(read!.range.start, read!.range.end), 'read');
    assert.match(at('mapped a', 2)?.markdown ?? '', /\*\*Held\*\*/);
    assert.match(at('diagnostic kernel', 2)?.markdown ?? '', /\*\*expect\*\* — an expectation/);
  });
});

describe('hover: the access verbs', () => {
  test("a `device` write or read is the GPU's, not called a CPU access", () => {
    const body = '  mem = vkAllocateMemory 1MiB host-visible coherent\n';
    for (const line of ['  g = device wri⟨|⟩tes mem + 0x200, 64', '  device rea⟨|⟩ds mem, 4']) {
      const md = expectHover(scenario(body + line), "the GPU's own", 'by device');
      assert.doesNotMatch(md, /A CPU (write|read) by an actor/);
    }
  });
});

describe('hover: exported fds', () => {
  test('an fd from vkGetMemoryFdKHR says its handle type, number and whose buffer object it is; after an import took it, that it is closed', () => {
    const body = (uses: string) =>
      scenario(
        [
          '  m = vkAllocateMemory 64KiB host-visible coherent exportable',
          '  buf = vkGetMemoryFdKHR m dma-buf',
          '  h = vkGetMemoryFdKHR m opaque-fd',
          uses,
        ].join('\n'),
      );
    const md = expectHover(
      body('  p = mmap 64KiB rw shared fd b⟨|⟩uf'),
      "**buf** (dma-buf fd 4 of m's buffer object)",
    );
    assert.doesNotMatch(md, /\(file\)|closed/);
    expectHover(
      body('  m2 = vkAllocateMemory 64KiB host-visible coherent import h⟨|⟩'),
      "**h** (opaque fd 5 of m's buffer object; closed: the import into m2 at step 4 took it)",
    );
  });
});

describe('hover: VK_WHOLE_SIZE', () => {
  // The spec (memory.adoc): vkMapMemory's VK_WHOLE_SIZE maps to the end of the allocation;
  // VkMappedMemoryRange's covers to the end of the current mapping.
  const text = (step: string) =>
    scenario(
      `  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory m offset 4KiB size 8KiB\n  ${step}`,
    );
  test('flush and invalidate: to the end of the current mapping', () => {
    for (const verb of ['vkFlushMappedMemoryRanges', 'vkInvalidateMappedMemoryRanges']) {
      const markdown = expectHover(
        text(`${verb} m offset 4KiB wh⟨|⟩ole`),
        'to the end of the current mapping',
      );
      assert.doesNotMatch(markdown, /end of the allocation/, verb);
    }
  });
  test('map: to the end of the allocation', () => {
    expectHover(
      scenario('  m = vkAllocateMemory 64KiB host-visible\n  p = vkMapMemory m offset 4KiB wh⟨|⟩ole'),
      'from `offset` to the end of the allocation',
    );
  });
});
