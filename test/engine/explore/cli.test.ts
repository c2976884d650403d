// `drvmap explore`, run in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explore } from '../../../server/src/engine/explore/explore';
import { ExploreUsageError, parseExploreArgs, runExplore } from '../../../server/src/cli/explore';
import { memoryIo } from '../../../server/src/cli/io';
import { openDriversScenario, root, scenario } from './helpers';

const file = join('examples', '12-explore-strategies.drvmap');

const hasEscOrBel = (text: string) => text.includes('\u001b') || text.includes('\u0007');

test('text output: the summary, the deciding traits and a counterexample trace; exit 1 when not safe', () => {
  const io = memoryIo(root);
  assert.equal(runExplore([file, '--scenario', '3'], io), 1);
  assert.match(
    io.stdout,
    /placed: refused under 186 of 324 driver behaviours; safe only when placed-map = none and external-memory-host = yes; or maps = at-map and placed-map = 4KiB/,
  );
  assert.match(io.stdout, /decided by: maps, placed-map/);
  assert.match(io.stdout, /refused \(placed-map-failed\) under 96: when maps ≠ at-map and placed-map = 4KiB/);
  assert.match(io.stdout, /breaks at line \d+ \(step 3\): p = vkMapMemory mem/);
  assert.match(io.stdout, /gpu: mmap\(NULL, 0x10_0000/);
  assert.equal(io.stderr, '');
});

test('json output parses and carries every behaviour', () => {
  const io = memoryIo(root);
  runExplore([file, '--format=json', '--scenario', 'alias under any driver', '--kernels'], io);
  const result = JSON.parse(io.stdout) as {
    schemaVersion: number;
    tool: { name: string };
    scenarios: { total: number; behaviours: unknown[]; summary: string }[];
  };
  // Versioned like check's and trace's JSON.
  assert.equal(result.schemaVersion, 1);
  assert.equal(result.tool.name, 'drvmap');
  assert.equal(result.scenarios.length, 1);
  assert.equal(result.scenarios[0]!.behaviours.length, result.scenarios[0]!.total);
  assert.equal(result.scenarios[0]!.total, 162 * 4);
});

test('exit 0 when safe everywhere, 2 for bad usage or nothing to explore', () => {
  const safe =
    'scenario "s" {\n  strategy placed\n  driver gpu {\n    reuses any\n  }\n  m = vkAllocateMemory 1MiB host-visible\n  p = vkMapMemory m\n}\n';
  const io = memoryIo(root, { stdin: safe });
  assert.equal(runExplore(['-'], io), 0);
  assert.match(io.stdout, /placed: safe under all 3 driver behaviours \(for the steps this scenario makes\)/);
  // What "safe" covers is said: a hazard needs the step that shows it.
  assert.match(io.stdout, /safe: no step of this scenario met a hazard/);
  const closed = memoryIo(root, { stdin: 'scenario "s" {\n  a = mmap 4KiB rw private anon\n}\n' });
  assert.equal(runExplore(['-'], closed), 2);
  assert.match(closed.stderr, /no scenario leaves its driver open/);
  const bad = memoryIo(root);
  assert.equal(runExplore(['--format', 'xml', file], bad), 2);
  assert.match(bad.stderr, /--format takes text or json/);
  assert.equal(runExplore(['--help'], memoryIo(root)), 0);
  assert.throws(() => parseExploreArgs([]), /needs a FILE/);
  assert.equal(runExplore(['missing.drvmap'], memoryIo(root)), 2);
});

test('text output and problems show control characters of scenario names escaped', () => {
  const text = `scenario "A\u001b]0;title\u0007" {
  strategy remap-dontunmap
  driver gpu {
    any
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
}
scenario "B\u001b[2K" {
  a = mmap 4KiB rw private anon
}
`;
  const io = memoryIo(root, { stdin: text });
  runExplore(['-'], io);
  assert.ok(!hasEscOrBel(io.stdout + io.stderr), JSON.stringify(io.stdout + io.stderr));
  assert.match(io.stdout, /scenario 1 "A\\x1b\]0;title\\x07"/);
  const second = memoryIo(root, { stdin: text });
  runExplore(['-', '--scenario', '2'], second);
  assert.ok(!hasEscOrBel(second.stderr), JSON.stringify(second.stderr));
  assert.match(second.stderr, /"B\\x1b\[2K" leaves no driver trait open/);
});

test('--kernel gives scenarios without a `kernel` line their kernel, as check and trace take it', () => {
  const text = `scenario "remap-dontunmap on shmem" {
  strategy remap-dontunmap
  driver gpu {
    backing shmem
    maps any
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 16
}
`;
  const now = memoryIo(root, { stdin: text });
  assert.equal(runExplore(['-'], now), 0);
  assert.match(now.stdout, /safe under all 3 driver behaviours/);
  // Before 5.7 there is no MREMAP_DONTUNMAP.
  const old = memoryIo(root, { stdin: text });
  assert.equal(runExplore(['-', '--kernel', '5.4'], old), 1);
  assert.match(old.stdout, /refused under 3 of 3 driver behaviours/);
  const bad = memoryIo(root, { stdin: text });
  assert.equal(runExplore(['-', '--kernel=5.99'], bad), 2);
  assert.match(bad.stderr, /--kernel: Linux 5\.99 does not exist/);
  const parsed = parseExploreArgs(['f', '--kernel', '6.6']);
  assert.equal(parsed === 'help' ? undefined : parsed.kernel?.minor, 6);
});

test('--kernel past the rules: the kernel-unmodelled note, and counterexamples name the rules that ran', () => {
  const text = `scenario "remap-dontunmap, driver open" {
  strategy remap-dontunmap
  driver gpu {
    any
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  w = gpu writes mem + 0x100, 64
  expect app reads p + 0x100, 64 == w
}
`;
  const io = memoryIo(root, { stdin: text });
  assert.equal(runExplore(['-', '--kernel', '7.2'], io), 1);
  assert.match(
    io.stdout,
    /note: drvmap's kernel rules go up to Linux 6\.19; 7\.2 [^\n]*is simulated as 6\.19/,
  );
  assert.match(io.stdout, /counterexample: [^\n]*\(kernel 7\.2, simulated as 6\.19\)/);
  const json = memoryIo(root, { stdin: text });
  runExplore(['-', '--kernel', '7.2', '--format', 'json'], json);
  const scenario = JSON.parse(json.stdout).scenarios[0];
  assert.ok(scenario.notes.some((n: string) => /simulated as 6\.19/.test(n)));
  assert.equal(scenario.classes[0].counterexample.rulesKernel, '6.19');
  // A kernel the rules know: no note, no "simulated as".
  const known = memoryIo(root, { stdin: text });
  runExplore(['-', '--kernel', '6.6'], known);
  assert.doesNotMatch(known.stdout, /simulated as/);
});

test('--kernel with --kernels is a usage error: one kernel, or a sweep', () => {
  const io = memoryIo(root, { stdin: 'scenario "s" {\n}\n' });
  assert.equal(runExplore(['-', '--kernel', '5.10', '--kernels'], io), 2);
  assert.match(
    io.stderr,
    /--kernel X\.Y \(one kernel\) and --kernels \(a sweep of kernels\) exclude each other/,
  );
  assert.throws(() => parseExploreArgs(['f', '--kernels', '--kernel=6.6']), ExploreUsageError);
});

test('explore: an option given twice is refused, exit 2, as check and trace refuse it; unknown options are named as theirs are', () => {
  for (const argv of [
    ['--format', 'json', '--format', 'text', 'f'],
    ['--scenario', '1', '--scenario=2', 'f'],
    ['--kernel', '6.6', '--kernel', '6.8', 'f'],
    ['--strategy', 'placed', '--strategy', 'placed', 'f'],
    ['--trace', 'full', '--trace', 'short', 'f'],
  ])
    assert.throws(
      () => parseExploreArgs(argv),
      (error: unknown) =>
        error instanceof ExploreUsageError && error.message === `${argv[0]} is given more than once`,
      argv.join(' '),
    );
  const io = memoryIo(root, { stdin: 'scenario "s" {\n}\n' });
  assert.equal(runExplore(['--format', 'json', '--format', 'text', '-'], io), 2);
  assert.equal(io.stdout, '');
  assert.equal(
    io.stderr,
    'drvmap: --format is given more than once\nRun `drvmap explore --help` for usage.\n',
  );
  assert.throws(
    () => parseExploreArgs(['--bogus', 'f']),
    (error: unknown) =>
      error instanceof ExploreUsageError && error.message === 'unknown option --bogus for `drvmap explore`',
  );
  // After `--`, a FILE that starts with a dash.
  const dashed = parseExploreArgs(['--format', 'json', '--', '-odd.drvmap']);
  assert.ok(dashed !== 'help');
  assert.equal(dashed.file, '-odd.drvmap');
  // What was accepted still is.
  assert.deepEqual(parseExploreArgs(['--all', '--kernels', '--format=json', '--trace', 'full', 'f']), {
    file: 'f',
    scenario: undefined,
    kernels: true,
    kernel: undefined,
    wine: undefined,
    all: true,
    strategy: undefined,
    format: 'json',
    trace: 'full',
  });
  assert.throws(() => parseExploreArgs(['--format=', 'f']), /--format needs a value/);
  assert.equal(parseExploreArgs(['f', '-h']), 'help');
});

test('exit 2 when a scenario could not be explored, even when every other is safe: a CI gate must not pass on it', () => {
  const safe = scenario(
    'placed',
    ['caches-pointer any'],
    ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'],
  ).replace('"placed"', '"ok"');
  const broken = safe.replace('"ok"', '"broken"').replace('vkMapMemory', 'vkMapMemry');
  // Two drivers with every trait open under placed: 186,624 behaviours, over the limit.
  const tooBig = openDriversScenario(['a', 'b']);
  const exitOf = (text: string, format: 'text' | 'json') => {
    const io = memoryIo(root, { stdin: text });
    const code = runExplore(['-', '--format', format], io);
    return { code, io };
  };
  for (const format of ['text', 'json'] as const) {
    assert.equal(exitOf(safe, format).code, 0, format);
    for (const [text, why] of [
      [broken + '\n' + safe, /"broken" has language errors/],
      [tooBig + '\n' + safe, /"open" opens 186,624 behaviours/],
    ] as const) {
      const { code, io } = exitOf(text, format);
      assert.equal(code, 2, `${format}: ${why}`);
      assert.match(io.stderr, why);
      // The scenario that could be explored is still reported.
      if (format === 'text') assert.match(io.stdout, /placed: safe under all 2 driver behaviours/);
      else
        assert.deepEqual(
          JSON.parse(io.stdout).scenarios.map((s: { name: string }) => s.name),
          ['ok'],
        );
    }
  }
  // Over an unsafe scenario too: 2 says the answer is incomplete, whatever the rest found.
  const unsafe = scenario(
    'hook-mmap',
    ['maps any'],
    ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'],
  );
  assert.equal(exitOf(unsafe, 'text').code, 1);
  assert.equal(exitOf(broken + '\n' + unsafe, 'text').code, 2);
});

test('a syntax error outside every scenario is a problem (a scenario may be missing), exit 2; --scenario NAME explores its own', () => {
  const safe = scenario(
    'placed',
    ['caches-pointer any'],
    ['mem = vkAllocateMemory 1MiB host-visible', 'p = vkMapMemory mem'],
  ).replace('"placed"', '"ok"');
  const hidden = 'scenaro "b" {\n  a = mmap 4KiB rw private anon\n}\n';
  const run = (text: string, ...args: string[]) => {
    const io = memoryIo(root, { stdin: text });
    return { code: runExplore(['-', ...args], io), io };
  };
  assert.equal(run(safe).code, 0);
  const both = run(safe + '\n' + hidden);
  assert.equal(both.code, 2);
  assert.match(both.io.stderr, /outside every scenario: a scenario may be missing from the exploration/);
  assert.match(both.io.stdout, /placed: safe under all 2 driver behaviours/);
  assert.equal(run(safe + '\n' + hidden, '--scenario', 'ok').code, 0);
});

test('a syntax error outside every scenario is located as check and trace locate it, FILE:LINE:COLUMN', () => {
  const hidden =
    'scenario "a" {\n  a = mmap 4KiB rw private anon\n}\nscenaro "b" {\n  b = mmap 4KiB rw private anon\n}\n';
  const dir = mkdtempSync(join(tmpdir(), 'drvmap-explore-'));
  writeFileSync(join(dir, 'typo2.drvmap'), hidden);
  const fromFile = memoryIo(dir);
  assert.equal(runExplore(['typo2.drvmap'], fromFile), 2);
  assert.match(
    fromFile.stderr,
    /^drvmap: typo2\.drvmap:4:1: error \[syntax-error\] expected .*\(outside every scenario: a scenario may be missing from the exploration\)$/m,
  );
  const fromStdin = memoryIo(dir, { stdin: hidden });
  assert.equal(runExplore(['-'], fromStdin), 2);
  assert.match(fromStdin.stderr, /^drvmap: <stdin>:4:1: error \[syntax-error\] expected /m);
  // The engine without a file name (the editor) says the line.
  assert.match(explore(hidden).problems[0] ?? '', /^line 4: expected /);
});
