// The details list of one mapping (media/src/ui/details.ts): what the panel says about it, as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mappingFacts } from '../../media/src/ui/details';
import type { PanelMapping, PanelStep } from '../../protocol/panel';

const steps: PanelStep[] = [
  { index: 0, line: 1, text: 'a = mmap 16KiB rw private anon', result: '→ 0x1000_0000', severity: undefined },
  { index: 1, line: 2, text: 'madvise a, 8KiB, dontfork', result: '→ ok', severity: undefined },
];

const mapping: PanelMapping = {
  start: '0x10000000',
  end: '0x10002000',
  perms: 'rw-p',
  kind: 'private',
  owner: 'app',
  label: 'a',
  backing: 'private anonymous (VM_DONTCOPY)',
  createdStep: 0,
  line: 1,
  stale: false,
  hazard: undefined,
};

test('details: each fork flag with the step that set it, as the step that made the mapping is shown', () => {
  const facts = new Map(
    mappingFacts(
      {
        ...mapping,
        forkFlags: [
          {
            advice: 'dontfork',
            flag: 'VM_DONTCOPY',
            since: [{ start: mapping.start, end: mapping.end, step: 1, line: 2 }],
          },
        ],
      },
      steps,
      new Set(),
    ),
  );
  assert.equal(facts.get('Made by'), 'step 1, line 2: a = mmap 16KiB rw private anon');
  assert.equal(
    facts.get('Fork flag'),
    'dontfork (VM_DONTCOPY) since step 2, line 3: madvise a, 8KiB, dontfork',
  );
  // Set during set-up (a driver's madvise), and a mapping with no fork flag: no row.
  const setup = new Map(
    mappingFacts(
      {
        ...mapping,
        forkFlags: [
          {
            advice: 'wipeonfork',
            flag: 'VM_WIPEONFORK',
            since: [{ start: mapping.start, end: mapping.end, step: -1, line: 0 }],
          },
        ],
      },
      steps,
      new Set(),
    ),
  );
  assert.equal(setup.get('Fork flag'), 'wipeonfork (VM_WIPEONFORK) since setup (line 1)');
  assert.equal(new Map(mappingFacts(mapping, steps, new Set())).has('Fork flag'), false);
});

test('details: a fork flag two madvise steps set on two halves (merged since) names both, each with its pages', () => {
  const twoSteps: PanelStep[] = [
    ...steps,
    { index: 2, line: 3, text: 'madvise a + 8KiB, 8KiB, dontfork', result: '→ ok', severity: undefined },
  ];
  const half = (start: string, end: string, step: number) => ({ start, end, step, line: step + 1 });
  const flagged = (parts: ReturnType<typeof half>[]): PanelMapping => ({
    ...mapping,
    end: '0x10004000',
    forkFlags: [{ advice: 'dontfork', flag: 'VM_DONTCOPY', since: parts }],
  });
  const facts = new Map(
    mappingFacts(
      flagged([half('0x10000000', '0x10002000', 1), half('0x10002000', '0x10004000', 2)]),
      twoSteps,
      new Set(),
    ),
  );
  assert.equal(
    facts.get('Fork flag'),
    'dontfork (VM_DONTCOPY) on 0x1000_0000 – 0x1000_2000 since step 2, line 3: madvise a, 8KiB, dontfork; ' +
      'on 0x1000_2000 – 0x1000_4000 since step 3, line 4: madvise a + 8KiB, 8KiB, dontfork',
  );
  // A mapping flagged one page at a time: the first parts, and how many more.
  const pages = Array.from({ length: 9 }, (_, i) =>
    half(
      `0x${(0x10000000 + i * 0x1000).toString(16)}`,
      `0x${(0x10001000 + i * 0x1000).toString(16)}`,
      i % 2 ? 2 : 1,
    ),
  );
  const many = new Map(mappingFacts(flagged(pages), twoSteps, new Set())).get('Fork flag')!;
  assert.equal(many.split('; on ').length, 6);
  assert.ok(many.endsWith('; and 3 more parts'), many);
});
