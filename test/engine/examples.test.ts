// Each example states the diagnostics it shows on its `# diagnostics:` line; it must give
// exactly those (as a multiset of codes, any severity), and every expectation in it must run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseDocument } from '../../server/src/engine/analysis';

const examplesDir = join(__dirname, '..', '..', '..', 'examples');
const files = readdirSync(examplesDir).filter((f) => f.endsWith('.drvmap'));

test('there are at least ten examples', () => {
  assert.ok(files.length >= 10, `${files.length} examples`);
});

for (const file of files) {
  test(`examples/${file} shows exactly the diagnostics it claims`, () => {
    const text = readFileSync(join(examplesDir, file), 'utf8');
    const claim = /^# diagnostics: (.*)$/m.exec(text);
    assert.ok(claim, `${file} has a "# diagnostics:" line`);
    const expected = claim[1]!.trim() === 'none' ? [] : claim[1]!.split(',').map((s) => s.trim());
    const analysis = analyseDocument(text);
    const actual = analysis.diagnostics.map((d) => d.code);
    const detail = analysis.diagnostics
      .map((d) => `  ${analysis.lines.position(d.range.start).line + 1}: ${d.code}: ${d.message}`)
      .join('\n');
    assert.deepEqual([...actual].sort(), [...expected].sort(), `${file}:\n${detail}`);
    assert.ok(/^#(?! diagnostics:).+\S/m.test(text), `${file} says in a comment what it shows`);
    for (const scenario of analysis.scenarios) {
      for (const expectation of scenario.run.simulation.expects) {
        if (expectation.node.expectation.form === 'diagnostic') continue;
        assert.notEqual(
          expectation.passed,
          undefined,
          `${file}: the expectation at offset ${expectation.node.start} ran`,
        );
      }
    }
  });
}
