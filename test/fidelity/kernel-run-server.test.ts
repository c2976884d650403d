// "Run on This Kernel" through the language server, as the extension drives it (src/kernel-run.ts):
// drvmap/syscallProgram makes the harness program, the real harness runs it on this kernel, and
// drvmap/kernelCompare compares. The server simulates the scenario as the harness's user: an
// ordinary process by default, root when the editor (and so the harness) runs as root, where a map
// below vm.mmap_min_addr succeeds (export/harness-simulation.ts). Whichever this machine is, a
// scenario whose low map the kernel decides must agree, and the notes must say which was modelled.
import assert from 'node:assert/strict';
import { release } from 'node:os';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { KernelRunView } from '../../protocol/panel';
import {
  KERNEL_COMPARE_REQUEST,
  SYSCALL_PROGRAM_REQUEST,
  type SyscallProgramResult,
} from '../../protocol/requests';
import { runHarness } from '../../src/harness';
import { compiledHarness } from './compiled-harness';
import { LspClient } from '../lsp/client';
import { kernelUnavailable } from './env';

const unavailable = kernelUnavailable();
const harness = compiledHarness(unavailable);
let client: LspClient | undefined;

before(async () => {
  if (!unavailable) client = (await LspClient.start()).client;
});

after(async () => {
  await client?.stop();
});

/** The scenario run on this kernel through the server's two requests, as the extension does. */
async function runThroughServer(
  uri: string,
  text: string,
): Promise<{ program: SyscallProgramResult; view: KernelRunView; diagnostics: Diagnostic[] }> {
  const { bin, arenaBase } = harness.current!;
  await client!.open(uri, text);
  const base = `0x${arenaBase.toString(16)}`;
  const program = await client!.request<SyscallProgramResult | null>(SYSCALL_PROGRAM_REQUEST, {
    uri,
    line: 1,
    character: 2,
    arenaBase: base,
  });
  assert.ok(program, 'the cursor is inside the scenario');
  const output = await runHarness(bin, program.program.steps);
  const compared = await client!.request<{ run: KernelRunView | undefined; diagnostics: Diagnostic[] }>(
    KERNEL_COMPARE_REQUEST,
    {
      uri,
      version: program.version,
      scenarioIndex: program.scenarioIndex,
      arenaBase: base,
      kernelRelease: release(),
      harness: output,
    },
  );
  assert.ok(compared.run, 'the document did not change');
  return { program, view: compared.run, diagnostics: compared.diagnostics };
}

test(
  'a fixed map at 0 agrees with this kernel whether the editor runs as root or not',
  { skip: unavailable },
  async () => {
    const root = process.geteuid?.() === 0;
    const { view, diagnostics } = await runThroughServer(
      'file:///low.drvmap',
      'scenario "low" {\n  z = mmap 4KiB rw private anon at 0 fixed\n  w = mmap 4KiB rw private anon\n}\n',
    );
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      [],
      view.steps.map((s) => `${s.status}: ${s.text} | ${s.kernel} | ${s.simulation}`).join('\n'),
    );
    assert.deepEqual(
      view.steps.map((s) => s.status),
      ['agree', 'agree'],
    );
    // As root the kernel maps at 0 (CAP_SYS_RAWIO passes vm.mmap_min_addr); as anyone else it is
    // EPERM. The notes say when the run was simulated as root.
    assert.match(view.steps[0]!.simulation, root ? /^→ 0x0$/ : /EPERM/);
    assert.equal(
      view.notes.some((n) => /root/.test(n)),
      root,
      view.notes.join('\n'),
    );
  },
);

test(
  "a step the harness refuses (it reaches the harness's own memory) is named in the run's notes, with its line",
  { skip: unavailable },
  async () => {
    // The harness's stack, wherever it is: every process has one, and the probe's maps list it.
    const { bin, arenaBase } = harness.current!;
    const probe = (await runHarness(bin, [
      { op: 'mmap', addr: null, length: 4096, prot: 3, flags: 0x22, fdRef: -1, offset: 0 },
    ])) as { steps: { maps?: [number, number, string, number, string][] }[] };
    const stack = probe.steps[0]?.maps?.find((line) => line[4] === '[stack]');
    assert.ok(stack, 'the harness has a stack');
    const at = `0x${(arenaBase + BigInt(stack[0])).toString(16)}`;
    const { view } = await runThroughServer(
      'file:///aim.drvmap',
      `scenario "aim" {\n  a = mmap 4KiB rw private anon\n  write ${at}, 16, 0x90\n  b = mmap 4KiB rw private anon\n}\n`,
    );
    assert.deepEqual(
      view.steps.map((s) => s.status),
      ['agree', 'not-run', 'not-run'],
    );
    assert.ok(
      view.notes.includes(
        "The harness did not run step 2 (line 3) or any after it: it would change or read the harness's own memory (its code, data, heap, libraries or stack), not memory the scenario mapped.",
      ),
      view.notes.join('\n'),
    );
  },
);

test(
  'a difference on a scenario of another kernel version names that version in its diagnostic (review: kernel run, finding 6)',
  { skip: unavailable || /^6\.6[.-]/.test(release()) },
  async () => {
    const { view, diagnostics } = await runThroughServer(
      'file:///old.drvmap',
      'scenario "old kernel" {\n  kernel 6.6\n  a = mmap 4KiB rw private anon\n  mseal a, 4KiB\n}\n',
    );
    assert.equal(view.simulatedKernel, '6.6');
    const mseal = view.steps[1]!;
    // mseal(2) came in 6.10: the simulated 6.6 has no such call; whether this kernel has it or not,
    // any difference is the version's, and the diagnostic says so.
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      mseal.status === 'differ'
        ? [
            `the kernel (${release()}) and the simulation disagree: ${mseal.detail} (the scenario simulates kernel 6.6: the difference may be the version's)`,
          ]
        : [],
    );
    assert.equal(mseal.status, 'differ', 'this kernel has mseal (6.10+)');
  },
);
