// Device creation deferred after the leading `reserve … preloaded` steps keeps its calls on the
// last of those steps (the timeline runs through steps), but none of them is the step's own
// doing: a refused call of device creation's was reported a second time as the step's own
// refusal when the step failed too (kernel-refused walked every call the record held), and
// hover, inlay hints, the trace and explore listed them as the step's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { hoverAt } from '../../../server/src/engine/features/hover';
import { inlayHints } from '../../../server/src/engine/features/inlay-hints';
import { buildTrace } from '../../../server/src/cli/trace';
import { formatTraceText } from '../../../server/src/cli/formats/text';
import { explore } from '../../../server/src/engine/explore/explore';

/** A preloaded reserve the kernel refuses (past TASK_SIZE), then an NVK device refused on 6.5. */
const NVK_ON_6_5 = `scenario "x" {
  kernel 6.5
  reserve 0x10_0000 at 0x7fff_ffff_0000 by wine preloaded
  driver nvk {
    preset nvk
  }
}
`;

/** The same refused reserve, then device creation whose MAP_32BIT pool finds no room (box64). */
const MMAP32_POOL = `scenario "y" {
  reserve 0x10_0000 at 0x7fff_ffff_0000 by wine preloaded
  driver gpu {
    internal-mappings 2GiB
  }
  strategy mmap32
}
`;

function refusals(text: string): { line: number; message: string }[] {
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  return analyseDocument(text)
    .diagnostics.filter((d) => d.code === 'kernel-refused')
    .map((d) => ({ line: lineOf(d.range.start), message: d.message }));
}

test("a refused device creation after a refused preloaded reserve is reported once, at the driver, not as the step's", () => {
  const nvk = refusals(NVK_ON_6_5);
  assert.deepEqual(
    nvk.map((r) => r.line),
    [3, 5],
    nvk.map((r) => r.message).join('\n'),
  );
  assert.match(nvk[0]!.message, /^mmap\(0x7fff_ffff_0000, .* fails with ENOMEM/);
  assert.match(
    nvk[1]!.message,
    /^nvk's ioctl\(3, DRM_IOCTL_NOUVEAU_VM_INIT\) fails with EINVAL at device creation, after step 1/,
  );
  const pool = refusals(MMAP32_POOL);
  assert.deepEqual(
    pool.map((r) => r.line),
    [2, 3],
    pool.map((r) => r.message).join('\n'),
  );
  assert.match(
    pool[1]!.message,
    /^gpu's mmap\(NULL, 0x8000_0000, .*MAP_32BIT.* at device creation, after step 1/,
  );
});

test("the step's hover and inlay hint list its own call alone; the trace lists device creation after its result", () => {
  const analysis = analyseDocument(NVK_ON_6_5);
  const step = NVK_ON_6_5.indexOf('reserve');
  const hover = hoverAt(analysis, step)?.markdown ?? '';
  assert.match(hover, /mmap\(0x7fff_ffff_0000/);
  assert.doesNotMatch(hover, /NOUVEAU_VM_INIT/);
  const hint = inlayHints(analysis).find((h) => h.label === '→ ENOMEM');
  assert.ok(hint, 'the step has its hint');
  assert.doesNotMatch(String(hint.tooltip), /NOUVEAU_VM_INIT/);
  // The timeline still holds device creation's calls on the step, after its own.
  const record = analysis.scenarios[0]!.run.simulation.records[0]!;
  assert.deepEqual(
    record.calls.map((c) => c.actor),
    ['wine', 'nvk'],
  );
  const trace = buildTrace('a.drvmap', NVK_ON_6_5, { maps: 'none' });
  const traced = trace.scenarios[0]!.steps[0]!;
  assert.deepEqual(
    traced.calls.map((c) => c.actor),
    ['wine'],
  );
  assert.deepEqual(
    traced.deviceCreation?.map((c) => c.actor),
    ['nvk'],
  );
  const text = formatTraceText(trace, { color: false, maps: 'none' });
  const result = text.indexOf('→ ENOMEM');
  const heading = text.indexOf('\n  device creation, after step 1:\n');
  const ioctl = text.indexOf('ioctl(3, DRM_IOCTL_NOUVEAU_VM_INIT) = -1 EINVAL');
  assert.ok(result > 0 && heading > result && ioctl > heading, text);
});

test("explore's counterexample names the set-up that ran and lists device creation after step 1", () => {
  const text = `scenario "mmap32 pools after preloaded" {
  reserve 0x100_0000 at 0x4000_0000 by wine preloaded
  driver gpu {
    internal-mappings 32MiB
    placed-map none
    external-memory-host no
  }
  strategy mmap32
  mem = vkAllocateMemory 16MiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 64
}
`;
  const result = explore(text, { openAll: true });
  const traces = result.scenarios.flatMap((s) => s.classes.map((c) => c.counterexample.trace));
  assert.ok(traces.length > 0, 'some behaviour breaks');
  for (const trace of traces) {
    const setup = trace.find((s) => s.step === 0);
    assert.ok(setup, 'the set-up is listed');
    assert.doesNotMatch(setup.text, /and device creation/);
    assert.match(setup.text, /device creation runs after step 1/);
    const step1 = trace.find((s) => s.step === 1 && !s.deviceCreation && !s.expectation)!;
    assert.ok(
      step1.calls.every((c) => c.actor === 'wine'),
      JSON.stringify(step1.calls),
    );
    const devices = trace.find((s) => s.deviceCreation);
    assert.ok(devices, 'device creation is listed');
    assert.equal(devices.step, 1);
    assert.ok(
      devices.calls.some((c) => c.actor === 'gpu'),
      JSON.stringify(devices.calls),
    );
    assert.ok(trace.indexOf(devices) === trace.indexOf(step1) + 1);
  }
});
