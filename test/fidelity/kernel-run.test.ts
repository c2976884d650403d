// "Run on This Kernel" on the running kernel: scenarios become harness programs
// (syscall-program.ts), run through the extension's harness module (src/harness.ts,
// native/harness.c), and the comparison (kernel-compare.ts) must agree where the kernel and the
// simulation agree — an app's 32-bit access, numeric mremap flags, what a read returns, the
// mappings a step leaves — and report a real difference when the kernel did something else.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { analyseDocument } from '../../server/src/engine/analysis';
import {
  compareKernelRun,
  parseHarnessOutput,
  type StepComparison,
} from '../../server/src/engine/export/kernel-compare';
import { syscallProgram, type SyscallProgram } from '../../server/src/engine/export/syscall-program';
import { runHarness } from '../../src/harness';
import { compiledHarness } from './compiled-harness';
import { kernelUnavailable } from './env';

const unavailable = kernelUnavailable();
const harness = compiledHarness(unavailable);

/** The scenario's program, optionally altered before it is sent (to make the kernel disagree). */
async function runOnKernel(
  body: string,
  alter: (program: SyscallProgram) => SyscallProgram = (p) => p,
): Promise<{ compared: StepComparison[]; program: SyscallProgram }> {
  const analysis = analyseDocument(`scenario "s" {\n${body}}\n`);
  const run = analysis.scenarios[0]!.run;
  const { bin, arenaBase } = harness.current!;
  const program = syscallProgram(run, arenaBase);
  const output = parseHarnessOutput(
    await runHarness(
      bin,
      alter(program).steps.map((s) => s.step),
    ),
  );
  assert.ok(output, 'the harness output parses');
  const steps = run.simulation.records.map((r) => ({
    stepIndex: r.index,
    start: r.node.start,
    end: r.node.end,
    text: r.node.text,
  }));
  return { compared: compareKernelRun(program, output, steps), program };
}

const lines = (compared: readonly StepComparison[]): string[] =>
  compared.map((c) => `${c.status}: ${c.text.trim()} | ${c.kernel} | ${c.simulation} | ${c.detail}`);

function assertAllAgree(compared: readonly StepComparison[]): void {
  assert.deepEqual(
    compared.filter((c) => c.status !== 'agree').map((c) => `${c.text.trim()}: ${c.detail}`),
    [],
    lines(compared).join('\n'),
  );
}

const APP_ABOVE_4GIB = `  a = mmap 4KiB rw private anon
  app writes a, 1, 0x5
  r1 = read a, 1
`;

test(
  'an app write above 4 GiB faults at its low 32 bits on the kernel too',
  { skip: unavailable },
  async () => {
    const { compared } = await runOnKernel(APP_ABOVE_4GIB);
    assertAllAgree(compared);
    assert.equal(compared[1]!.kernel, 'SIGSEGV');
    assert.equal(compared[2]!.detail, 'both succeed and read the same bytes');
    assert.equal(compared[2]!.kernel, 'ok (read 1×0x00)');
  },
);

test('a read that returns other bytes on the kernel is a difference', { skip: unavailable }, async () => {
  // The write sent with the untruncated address (what the app does not reach): the kernel writes
  // 0x05 into `a`, and its read returns it where the simulation's returns 0x00.
  const { compared } = await runOnKernel(APP_ABOVE_4GIB, (p) => ({
    ...p,
    steps: p.steps.map((s, i) =>
      i === 1 ? { ...s, step: { op: 'write', addr: { ref: 0 }, length: 1, byte: 5 } } : s,
    ),
  }));
  assert.equal(compared[2]!.status, 'differ', lines(compared).join('\n'));
  assert.equal(compared[2]!.detail, "the kernel's read returns 1×0x05, the simulation's 1×0x00");
});

test('DONTUNMAP: both read the same bytes and map the same ranges', { skip: unavailable }, async () => {
  const { compared } = await runOnKernel(`  a = mmap 2MiB rw private anon
  write a, 4KiB, 0xAB
  write a + 4KiB, 4KiB
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  r1 = read a, 8KiB
  r2 = read b, 12KiB
  mprotect b + 4KiB, 4KiB, r
  c = mmap 4KiB rw private anon at 0x3000_0000 fixed
  munmap a + 8KiB, 4KiB
`);
  assertAllAgree(compared);
  assert.equal(compared[4]!.kernel, 'ok (read 8192×0x00)');
  assert.match(compared[5]!.kernel, /^ok \(read 4096×0xab, 4096×0x11, 4096×0x00\)$/);
  assert.deepEqual(
    compared.map((c) => c.detail),
    [
      'both succeed and map the same; where the kernel put it is not compared (the harness runs in an arena of its own)',
      'both succeed',
      'both succeed',
      'both succeed and map the same',
      'both succeed and read the same bytes',
      'both succeed and read the same bytes',
      'both succeed and map the same',
      'both succeed and map the same',
      'both succeed and map the same',
    ],
  );
});

test('madvise: a hole, splits and dropped pages agree with the kernel', { skip: unavailable }, async () => {
  const { compared } = await runOnKernel(`  a = mmap 16KiB rw private anon
  write a, 16KiB, 0x61
  munmap a + 8KiB, 4KiB
  r1 = madvise a + 4KiB, 12KiB, dontneed
  r2 = madvise a, 4KiB, dontfork
  r3 = read a, 8KiB
`);
  assertAllAgree(compared);
  assert.equal(compared[3]!.kernel, 'fails with ENOMEM');
  assert.equal(compared[5]!.kernel, 'ok (read 4096×0x61, 4096×0x00)');
});

test('mappings the kernel leaves otherwise are a difference', { skip: unavailable }, async () => {
  // The mprotect sent as PROT_READ|PROT_WRITE: the kernel's page stays writable.
  const { compared } = await runOnKernel(
    `  a = mmap 8KiB rw private anon
  mprotect a, 4KiB, r
`,
    (p) => ({
      ...p,
      steps: p.steps.map((s, i) =>
        i === 1 && s.step.op === 'mprotect' ? { ...s, step: { ...s.step, prot: 3 } } : s,
      ),
    }),
  );
  assert.equal(compared[1]!.status, 'differ', lines(compared).join('\n'));
  assert.equal(
    compared[1]!.detail,
    'after the step, the range maps differently: the kernel shows +0x0..+0x1000 rw-p, the simulation +0x0..+0x1000 r--p',
  );
});

test(
  'mremap with numeric flags runs as MAYMOVE|FIXED to the fifth value',
  { skip: unavailable },
  async () => {
    const { compared, program } = await runOnKernel(`  a = mmap 64KiB rw private anon
  b = mremap a, 64KiB, 64KiB, 3, 0x2000_0000
  write b, 4KiB, 0x7
  r = read b, 1
`);
    assert.equal(program.steps[1]!.step.op === 'mremap' && program.steps[1]!.step.flags, 3);
    assertAllAgree(compared);
    assert.equal(compared[1]!.kernel, '→ 0x2000_0000');
  },
);

test('an open memfd step shows ok, and its shared mapping maps the same', { skip: unavailable }, async () => {
  const { compared } = await runOnKernel(`  kernel 6.6
  f = open memfd "buf" 8KiB
  a = mmap 8KiB rw shared fd f
  write a, 4KiB, 0x22
  b = mremap a, 8KiB, 8KiB, maymove | dontunmap
  r1 = read a, 1
  c = mmap 4KiB r shared fd f offset 4KiB
`);
  assertAllAgree(compared);
  assert.equal(compared[0]!.kernel, 'ok');
  assert.equal(compared[0]!.simulation, 'ok');
  assert.equal(compared[4]!.kernel, 'ok (read 1×0x22)');
});

test(
  'the droppable word maps, writes and reads on the kernel as in the simulation (review9 rare 9)',
  { skip: unavailable },
  async () => {
    const { compared } = await runOnKernel(`  kernel 6.18
  a = mmap 4KiB rw private anon at 0x3000_0000 fixed-noreplace
  d = mmap 4KiB rw droppable anon at a + 4KiB fixed-noreplace
  e = mmap 4KiB rw droppable anon at a + 8KiB fixed-noreplace
  w = write d, 8KiB, 0x5
  r = read d, 8KiB
`);
    assertAllAgree(compared);
  },
);

test(
  "a step that reaches the harness's own code is not run, and nor is anything after it (review: security, finding 1)",
  { skip: unavailable },
  async () => {
    // Where the harness's code lies (it runs with ADDR_NO_RANDOMIZE, so every run has it there):
    // the maps after one step of a program, as the harness prints them.
    const { bin, arenaBase } = harness.current!;
    const probe = parseHarnessOutput(
      await runHarness(bin, [
        { op: 'mmap', addr: null, length: 4096, prot: 3, flags: 0x22, fdRef: -1, offset: 0 },
      ]),
    );
    const code = probe?.steps[0]?.maps?.find((line) => line[2] === 'r-xp' && line[4].includes('harness-'));
    assert.ok(code, 'the harness maps its own code');
    const at = `0x${(arenaBase + BigInt(code[0])).toString(16)}`;
    // What an attacker's scenario does: make the code writable, write over it, and let it run.
    for (const body of [
      `  mprotect ${at}, 4KiB, rwx\n  write ${at}, 16, 0x90\n  a = mmap 4KiB rw private anon\n`,
      `  write ${at}, 16, 0x90\n  a = mmap 4KiB rw private anon\n`,
      `  b = mmap 4KiB rw private anon at ${at} fixed\n  a = mmap 4KiB rw private anon\n`,
      `  munmap ${at}, 4KiB\n  a = mmap 4KiB rw private anon\n`,
      // An old size that PAGE_ALIGN rounds up to 0 is old_size 0: a copy of a shared mapping there.
      `  m = mremap ${at}, 0xffff_ffff_ffff_ffff, 4KiB, maymove\n  a = mmap 4KiB rw private anon\n`,
    ]) {
      const { compared } = await runOnKernel(body);
      const steps = body.trimEnd().split('\n').length;
      assert.deepEqual(
        compared.map((c) => [c.status, c.kernel, c.detail]),
        [
          [
            'not-run',
            '—',
            "not run: it reaches the harness's own memory (its code, data or stack), which no step may change or read; the program stopped here",
          ],
          ...Array.from({ length: steps - 1 }, () => [
            'not-run',
            '—',
            'not run: the program stopped at step 1',
          ]),
        ],
        body,
      );
    }
    // A fixed mapping next to it, and a read of memory nobody mapped, still run.
    const { compared } = await runOnKernel(`  r = read 0x10000, 1\n  a = mmap 4KiB rw private anon\n`);
    assertAllAgree(compared);
  },
);

test(
  'mseal runs on the kernel: the calls a seal refuses are EPERM there too, and a hole is ENOMEM',
  { skip: unavailable },
  async () => {
    const { compared, program } = await runOnKernel(`  kernel 6.18
  a = mmap 16KiB rw private anon
  s = mseal a, 8KiB
  u = munmap a, 4KiB
  p = mprotect a + 4KiB, 4KiB, r
  m = mremap a, 8KiB, 4KiB
  f = mmap 4KiB rw private anon at a fixed
  ok = munmap a + 8KiB, 4KiB
  h = mseal a, 16KiB
  d = madvise a + 12KiB, 4KiB, dontneed
`);
    assert.equal(program.stoppedAt, undefined);
    assertAllAgree(compared);
    assert.deepEqual(
      compared.slice(1).map((c) => c.kernel),
      ['ok', ...Array(4).fill('fails with EPERM'), 'ok', 'fails with ENOMEM', 'ok'],
    );
  },
);

test(
  "the harness's fd refs are the program's memfds by step, made or not, and never a descriptor it inherited (review: harness bypass, finding 3)",
  { skip: unavailable },
  async () => {
    const { bin } = harness.current!;
    const shared = (fdRef: number) =>
      ({ op: 'mmap', addr: null, length: 4096, prot: 3, flags: 0x01, fdRef, offset: 0 }) as const;
    const output = parseHarnessOutput(
      await runHarness(bin, [
        // ftruncate to a negative size fails: this memfd is ref 0, and there is no file behind it.
        { op: 'memfd', name: 'bad', size: -1 },
        { op: 'memfd', name: 'good', size: 4096 },
        shared(0),
        shared(1),
        // Refs past the program's memfds, and one that wraps to fd 0 as an int: no file.
        shared(2),
        shared(4294966396),
      ]),
    );
    assert.deepEqual(
      output?.steps.map((s) => (s.ok ? 'ok' : (s.errno ?? s.signal))),
      ['EINVAL', 'ok', 'EBADF', 'ok', 'EBADF', 'EBADF'],
    );
  },
);

test(
  'a run that takes too long is stopped with every process it started (review: harness bypass, finding 1)',
  // Killing the harness alone left the child running the program, which held the pipes open and
  // kept the run from ending until the program did (here: many minutes); the test's own timeout
  // makes that a failure instead of a hang.
  { skip: unavailable, timeout: 60_000 },
  async () => {
    const { bin } = harness.current!;
    // Each write touches 64 MiB: 200,000 of them run for many minutes.
    const steps = [
      { op: 'mmap', addr: null, length: 64 * 2 ** 20, prot: 3, flags: 0x22, fdRef: -1, offset: 0 },
      ...Array.from({ length: 200_000 }, (_, i) => ({
        op: 'write',
        addr: { ref: 0 },
        length: 64 * 2 ** 20,
        byte: i % 256,
      })),
    ];
    await assert.rejects(runHarness(bin, steps, 500), /did not finish within 500 ms/);
    // The harness and the child running the program are both gone (reaping takes a moment).
    let left: string[] = [];
    for (let tries = 0; tries < 50; tries++) {
      left = harnessProcesses(bin);
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(left, []);
  },
);

test(
  'a run that prints more than the extension will hold is stopped, not collected (review: harness bypass, finding 2)',
  { skip: unavailable },
  async () => {
    const { bin } = harness.current!;
    // Every mprotect splits the reservation once more, and the harness prints every mapping after
    // every step: the output grows with the square of the steps, past 64 MiB well before the end.
    const steps = [
      { op: 'mmap', addr: null, length: 2 ** 30, prot: 0, flags: 0x4022, fdRef: -1, offset: 0 },
      ...Array.from({ length: 6000 }, (_, i) => ({
        op: 'mprotect',
        addr: { ref: 0, plus: i * 8192 },
        length: 4096,
        prot: 1,
      })),
    ];
    await assert.rejects(runHarness(bin, steps, 120_000), /printed more than 64 MiB/);
  },
);

/** The processes running `bin` (the harness and its program children), as `pid state`. */
function harnessProcesses(bin: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(bin) && !/^\s*\d+\s+Z/.test(line))
    .map((line) => line.trim());
}

test(
  'a munmap refused by a sealed VMA past the first leaves the first split at the start, as 6.12+ does: a later mremap of it is EFAULT on both (review: kernel, finding 1)',
  { skip: unavailable },
  async () => {
    const { compared } = await runOnKernel(`  kernel 6.18
  a = mmap 20KiB rw private anon
  p = mprotect a + 16KiB, 4KiB, r
  s = mseal a + 16KiB, 4KiB
  u = munmap a + 4KiB, 16KiB
  f = mmap 16KiB rw private anon at a + 4KiB fixed
  m = mremap a, 16KiB, 32KiB, maymove
`);
    assertAllAgree(compared);
    assert.deepEqual(
      compared.slice(3).map((c) => c.kernel),
      ['fails with EPERM', 'fails with EPERM', 'fails with EFAULT'],
    );
  },
);

test(
  "a grow in place of the first mapping is not comparable: the harness's filler sits right above its arena (review: kernel run, finding 1)",
  { skip: unavailable },
  async () => {
    for (const [setting, flags] of [
      ['', '0'],
      ['', 'maymove'],
      ['  mmap-base 0x2000_0000\n', '0'],
    ] as const) {
      const { compared } = await runOnKernel(`${setting}  a = mmap 4KiB rw private anon
  b = mremap a, 4KiB, 8KiB, ${flags}
  write b, 8KiB, 0x5
`);
      const text = lines(compared).join('\n');
      assert.deepEqual(
        compared.map((c) => c.status),
        ['agree', 'not-comparable', flags === '0' ? 'not-comparable' : 'agree'],
        text,
      );
      assert.match(
        compared[1]!.detail,
        /^not comparable: on the kernel its growth in place \(0x[0-9a-f_]+, 0x1000 bytes\) reaches past the top of the harness's arena \(0x[0-9a-f_]+\), where the harness keeps fillers, its libraries and its stack; the simulated process has its own layout there \(the kernel /,
        text,
      );
      if (flags === '0')
        assert.match(
          compared[2]!.detail,
          /^not comparable: it may follow from step 2, which the harness's layout decided/,
        );
    }
  },
);

test(
  "absolute addresses above the harness's arena, or where only the simulation put a mapping, are not comparable (review: kernel run, finding 2)",
  { skip: unavailable },
  async () => {
    // ld.so, the fillers: the harness's layout above its arena, not the scenario's process's.
    for (const body of [
      '  a = mmap 4KiB rw private anon fixed-noreplace at 0x7fff_f7ff_9000\n',
      '  a = mmap 4KiB rw private anon at 0x7fff_f000_0000\n',
    ]) {
      const { compared } = await runOnKernel(body);
      assert.equal(compared[0]!.status, 'not-comparable', lines(compared).join('\n'));
      assert.match(compared[0]!.detail, /reaches past the top of the harness's arena/);
    }
    // The address the trace shows for `a`: on the kernel `a` lies in the harness's arena, and the
    // number names nothing the program mapped (below the arena) or the harness's own memory.
    const low = await runOnKernel(`  mmap-base 0x2000_0000
  a = mmap 4KiB rw private anon
  write 0x1fff_f000, 1, 1
`);
    assert.deepEqual(
      low.compared.map((c) => c.status),
      ['agree', 'not-comparable'],
      lines(low.compared).join('\n'),
    );
    assert.match(
      low.compared[1]!.detail,
      /^not comparable: 0x1fff_f000 is in step 1's mapping as the simulation placed it; the kernel placed that mapping at 0x[0-9a-f_]+ \(in the harness's arena\), so there the number names other memory/,
    );
    const top = await runOnKernel(`  a = mmap 4KiB rw private anon
  write 0x7fff_f7ff_e000, 1, 1
`);
    assert.ok(
      top.compared.every((c) => c.status !== 'differ'),
      lines(top.compared).join('\n'),
    );
    assert.match(
      top.compared[1]!.detail,
      /0x7fff_f7ff_e000 is in step 1's mapping as the simulation placed it/,
    );
  },
);

test(
  "a read or write of 2^63 bytes or more is not run, and a harness's too-long refusal is not the kernel's errno (review: kernel run, finding 3)",
  { skip: unavailable },
  async () => {
    for (const access of ['write a, 0xffff_ffff_ffff_f000, 1', 'read a, 0xffff_ffff_ffff_ffff']) {
      const { compared, program } = await runOnKernel(`  a = mmap 4KiB rw private anon\n  ${access}\n`);
      assert.equal(program.steps.length, 1, 'the access is not sent');
      assert.deepEqual(
        compared.map((c) => [c.status, c.detail]),
        [
          [
            'agree',
            'both succeed and map the same; where the kernel put it is not compared (the harness runs in an arena of its own)',
          ],
          [
            'not-run',
            'step 2 cannot run on the kernel: the harness reads and writes at most 64 MiB at a time',
          ],
        ],
      );
    }
    // Sent anyway (an older program), the harness's own refusal shows as not run.
    const { compared } = await runOnKernel(`  a = mmap 4KiB rw private anon\n  read a, 4KiB\n`, (p) => ({
      ...p,
      steps: p.steps.map((s, i) =>
        i === 1 ? { ...s, step: { op: 'read', addr: { ref: 0 }, length: -1 } } : s,
      ),
    }));
    assert.deepEqual(
      [compared[1]!.status, compared[1]!.kernel, compared[1]!.detail],
      ['not-run', '—', 'not run: the harness reads and writes at most 64 MiB at a time'],
    );
  },
);

test(
  'a program child that dies keeps the steps it ran, and the run says it died (review: kernel run, finding 5)',
  { skip: unavailable, timeout: 120_000 },
  async () => {
    const { bin, arenaBase } = harness.current!;
    // Each write touches 64 MiB: the program runs for a long while. The second mapping, in the
    // child's maps, says the first step's result is written out (the child writes after each step).
    const text = `scenario "long" {
  a = mmap 64MiB rw private anon
  b = mmap 12KiB r private anon
${'  write a, 64MiB, 0x5\n'.repeat(3000)}}
`;
    const scenarioRun = analyseDocument(text).scenarios[0]!.run;
    const program = syscallProgram(scenarioRun, arenaBase);
    assert.equal(program.steps.length, 3002);
    const run = runHarness(
      bin,
      program.steps.map((s) => s.step),
      110_000,
    );
    // The OOM killer's SIGKILL, sent to the program's child once it made its second mapping.
    for (;;) {
      const child = programChild(bin);
      if (child !== undefined && hasMapping(child, 3 * 4096, 'r--p')) {
        process.kill(child, 'SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const output = parseHarnessOutput(await run);
    assert.ok(output, 'the harness output parses');
    assert.equal(output.crash, 9);
    const ran = output.steps.length;
    assert.ok(ran >= 1 && ran < 3002, String(ran));
    const compared = compareKernelRun(
      program,
      output,
      scenarioRun.simulation.records.map((r) => ({
        stepIndex: r.index,
        start: r.node.start,
        end: r.node.end,
        text: r.node.text,
      })),
    );
    assert.deepEqual(
      compared.slice(0, ran).filter((c) => c.status !== 'agree'),
      [],
    );
    assert.deepEqual(
      compared.slice(ran, ran + 2).map((c) => [c.status, c.detail]),
      [
        ['not-run', 'not run to the end: the harness child died (signal 9) in this step'],
        ['not-run', `not run: the harness child died at step ${ran + 1}`],
      ],
    );
  },
);

/** The pid of the harness's program child (a process running `bin` whose parent runs it too). */
function programChild(bin: string): number | undefined {
  const running = (pid: string): boolean => {
    try {
      return readlinkSync(`/proc/${pid}/exe`) === bin;
    } catch {
      return false;
    }
  };
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (!running(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    if (parent && running(parent)) return Number(pid);
  }
  return undefined;
}

/** Whether the process has an anonymous mapping of `length` bytes with `perms`. */
function hasMapping(pid: number, length: number, perms: string): boolean {
  let maps = '';
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return false;
  }
  return maps.split('\n').some((line) => {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ 00:00 0\s*$/.exec(line);
    return m !== null && m[3] === perms && parseInt(m[2]!, 16) - parseInt(m[1]!, 16) === length;
  });
}
