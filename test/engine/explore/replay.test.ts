// Replaying a behaviour gives the verdict exploration gave it: the driver traits built from its
// words (driverOverridesFor) are the ones exploration ran with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { explore, runTrace } from '../../../server/src/engine/explore/explore';
import { replayBehaviour, describeLabels, traceLines } from '../../../server/src/engine/explore/replay';

const root = join(__dirname, '..', '..', '..', '..');
const text = readFileSync(join(root, 'examples', '12-explore-strategies.drvmap'), 'utf8');

test('every behaviour of every explored scenario replays to its explored verdict', () => {
  const result = explore(text);
  assert.ok(result.scenarios.length >= 4);
  for (const s of result.scenarios) {
    for (const b of s.behaviours) {
      const labels: Record<string, Record<string, string>> = {};
      for (const d of s.dimensions) if (d.driver) (labels[d.driver] ??= {})[d.trait] = b.values[d.key]!;
      const replay = replayBehaviour(text, s.index - 1, labels);
      assert.equal(replay?.verdict, b.verdict, `${s.name}: ${describeLabels(labels)}`);
    }
  }
});

test('the trace names the behaviour, the traits, where it breaks, and the calls', () => {
  const replay = replayBehaviour(text, 0, { gpu: { backing: 'anon', 'caches-pointer': 'yes' } });
  assert.ok(replay);
  assert.equal(replay.verdict, 'unsafe');
  assert.match(replay.text, /^# remap-dontunmap under any driver — gpu: backing anon, caches-pointer yes\n/);
  assert.match(replay.text, /# driver gpu: maps at-map, backing anon, caches-pointer yes/);
  assert.match(replay.text, /# unsafe: breaks at line \d+ \(step \d+\)/);
  assert.match(replay.text, /mremap\(/);
  const unknown = replayBehaviour(text, 0, { gpu: { backing: 'granite' }, nobody: {} });
  assert.match(unknown?.text ?? '', /# ignored: gpu: no value `granite` for `backing`/);
  assert.match(unknown?.text ?? '', /# ignored: no driver `nobody`/);
  assert.equal(replayBehaviour(text, 99, {}), undefined);
});

test('a driver named `__proto__` replays under the labelled traits and is named in the trace', () => {
  const proto = `scenario "s" {
  strategy remap-dontunmap
  driver __proto__ {
    any
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  app writes p + 0x100, 64
}
`;
  // JSON.parse, as the request arrives: `__proto__` is an own key there.
  const labels = JSON.parse('{"__proto__":{"maps":"pool","backing":"anon"}}') as Record<
    string,
    Record<string, string>
  >;
  const replay = replayBehaviour(proto, 0, labels);
  assert.ok(replay);
  assert.match(replay.text, /^# s — __proto__: maps pool, backing anon\n/);
  assert.match(replay.text, /# driver __proto__: maps pool, backing anon,/);
  assert.doesNotMatch(replay.text, /# ignored/);
});

test("a counterexample's trace lists the calls an `expect` line's check made with that line, not under the step above it", () => {
  const uffd = `scenario "uffd" {
  kernel 6.6
  a = mmap 8KiB rw private anon
  write a, 8KiB, 0xAB
  b = mremap a, 8KiB, 8KiB, maymove | dontunmap
  uffd a, 8KiB copy-from b
  expect read a, 1 == 0xAB
  write b, 1, 0xCD
}
`;
  const analysis = analyseDocument(uffd);
  const trace = runTrace(analysis.scenarios[0]!.run, undefined, analysis.lines, uffd).trace;
  const register = trace.find((s) => s.text.startsWith('uffd a'));
  assert.ok(register);
  assert.ok(!register.calls.some((c) => /fault\(s\)/.test(c.text)), JSON.stringify(register.calls));
  const checked = trace[trace.indexOf(register) + 1];
  assert.equal(checked?.expectation, true);
  assert.equal(checked?.line, 7);
  assert.equal(checked?.text, 'expect read a, 1 == 0xAB');
  assert.match(checked?.calls[0]?.text ?? '', /1 fault\(s\) on missing page\(s\)/);
  assert.match(traceLines(trace).join('\n'), /^ {3}line 7: expect read a, 1 == 0xAB {2}passed$/m);
});
