// The TextMate grammar: every regex is one JS can read (so no Oniguruma-only syntax slipped
// in), and every word of the language gets its scope in context, tokenized with a small
// TextMate interpreter (vscode-textmate is not a dependency).
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import {
  BUILTIN_ACTORS,
  DRIVER_TRAITS,
  ERRNO_NAMES,
  EXPECT_WORDS,
  SETTINGS,
  VERBS,
  VK_RESULT_NAMES,
} from '../../../server/src/engine/language/vocabulary';
import { UNIT_BYTES } from '../../../server/src/engine/numbers';
import { generateGrammar } from './grammar-source';
import { readRepoFile, repoRoot } from './repo';
import { compileTm, scopeOf, TmTokenizer, type TmGrammar, type TmRule } from './tm-tokenize';

const grammar = JSON.parse(readRepoFile('syntaxes/drvmap.tmLanguage.json')) as TmGrammar;
const tokenizer = new TmTokenizer(grammar);

function scope(line: string, word: string, from = 0): string | undefined {
  const [tokens] = tokenizer.tokenize(line);
  return scopeOf(tokens ?? [], line, word, from);
}

function allRules(): TmRule[] {
  const out: TmRule[] = [];
  const walk = (rule: TmRule) => {
    out.push(rule);
    for (const p of rule.patterns ?? []) walk(p);
  };
  for (const p of grammar.patterns) walk(p);
  for (const r of Object.values(grammar.repository)) walk(r);
  return out;
}

test('the checked-in grammar is the one generated from the vocabulary', () => {
  const generated = generateGrammar();
  if (process.env.DRVMAP_UPDATE_GRAMMAR) {
    writeFileSync(
      join(repoRoot(), 'syntaxes/drvmap.tmLanguage.json'),
      JSON.stringify(generated, null, 2) + '\n',
    );
    return;
  }
  assert.deepEqual(
    grammar,
    generated,
    'syntaxes/drvmap.tmLanguage.json is out of date: see test/engine/client/grammar-source.ts to regenerate it',
  );
});

test('the grammar is source.drvmap and every regex compiles as a JS RegExp', () => {
  assert.equal(grammar.scopeName, 'source.drvmap');
  let count = 0;
  for (const rule of allRules()) {
    for (const source of [rule.match, rule.begin, rule.end]) {
      if (source === undefined) continue;
      assert.doesNotThrow(() => compileTm(source), `regex ${source}`);
      count++;
    }
    if (rule.begin) assert.ok(rule.end, `begin ${rule.begin} has an end`);
    if (rule.include?.startsWith('#'))
      assert.ok(grammar.repository[rule.include.slice(1)], `include ${rule.include} exists`);
  }
  assert.ok(count > 20);
});

test('the Oniguruma guard refuses syntax JS reads differently', () => {
  assert.throws(() => compileTm('\\h+'));
  assert.throws(() => compileTm('(?i)abc'));
  assert.throws(() => compileTm('a++'));
  assert.throws(() => compileTm('(?>a)'));
});

test('keywords: scenario (with its name), driver, actor, expect', () => {
  const line = 'scenario "remap below 4 GiB" {';
  assert.equal(scope(line, 'scenario'), 'keyword.other.scenario.drvmap');
  const [tokens] = tokenizer.tokenize(line);
  const name = tokens?.find((t) => t.text.startsWith('"'));
  assert.ok(name?.scopes.includes('string.quoted.double.drvmap'));
  assert.ok(name?.scopes.includes('entity.name.section.scenario.drvmap'));
  assert.equal(scope('  driver mesa {', 'driver'), 'keyword.other.driver.drvmap');
  assert.equal(scope('  driver mesa {', 'mesa'), 'entity.name.type.driver.drvmap');
  assert.equal(scope('  actor fex', 'actor'), 'keyword.other.actor.drvmap');
  assert.equal(scope('  actor fex', 'fex'), 'entity.name.type.actor.drvmap');
  assert.equal(scope('  expect read b, 1 == 0xAB', 'expect'), 'keyword.control.expect.drvmap');
  assert.equal(scope('  expect diagnostic stale-pointer', 'diagnostic'), 'keyword.other.expect.drvmap');
  assert.equal(
    scope('  expect diagnostic stale-pointer', 'stale-pointer'),
    'constant.other.rule-code.drvmap',
  );
  assert.equal(scope('  expect mapped a', 'mapped'), 'keyword.other.expect.drvmap');
  assert.equal(scope('  expect unmapped a', 'unmapped'), 'keyword.other.expect.drvmap');
});

test('every verb is a function of its family; syscalls and Vulkan calls differ', () => {
  for (const verb of VERBS) {
    const line = `  x = ${verb.verb} a, 4KiB`;
    assert.equal(scope(line, verb.verb), `support.function.${verb.family}.drvmap`, verb.verb);
    assert.equal(scope(line, 'x'), 'variable.other.definition.drvmap', `binding before ${verb.verb}`);
  }
  assert.equal(scope('  app writes p + 0x100, 64', 'writes'), 'support.function.access.drvmap');
  assert.equal(scope('  expect app reads p, 64 == w', 'reads'), 'support.function.access.drvmap');
  assert.equal(scope('  expect read a, 1 == 0x00', 'read'), 'support.function.access.drvmap');
});

test('every flag word after its verb is a flag, every option an option', () => {
  for (const verb of VERBS) {
    for (const group of verb.wordGroups) {
      for (const word of group.words) {
        const line = `  ${verb.verb} a ${word.name}`;
        assert.equal(
          scope(line, word.name, line.indexOf(verb.verb) + verb.verb.length),
          'constant.language.flag.drvmap',
          `${verb.verb} … ${word.name}`,
        );
      }
    }
    for (const option of verb.options) {
      const line = `  ${verb.verb} a ${option.name} b`;
      assert.equal(
        scope(line, option.name, line.indexOf(verb.verb) + verb.verb.length),
        'keyword.other.option.drvmap',
        `${verb.verb} … ${option.name}`,
      );
    }
  }
  // A flag word in flag position, but a name where a value is expected.
  assert.equal(scope('  mprotect a, 4KiB, r', 'r'), 'constant.language.flag.drvmap');
  assert.equal(scope('  mmap 2MiB rw private anon', 'rw'), 'constant.language.flag.drvmap');
  assert.equal(scope('  munmap r, 4KiB', 'r'), 'variable.other.drvmap');
  assert.equal(scope('  write w, 4KiB, 0xAB', 'w'), 'variable.other.drvmap');
  // `reserve` is a verb at the start and the RESERVE flag after vkUnmapMemory2.
  assert.equal(scope('  vkUnmapMemory2 mem reserve', 'reserve'), 'constant.language.flag.drvmap');
  assert.equal(
    scope('  r = reserve 64MiB at 0x1000_0000 by wine', 'reserve'),
    'support.function.syscall.drvmap',
  );
  // A Wine reserved area's word, after the reservation's options.
  assert.equal(
    scope('  dos = reserve 1MiB at 0x1_0000 by wine preloaded', 'preloaded'),
    'constant.language.flag.drvmap',
  );
});

test('every setting and trait is a keyword, and their words are values', () => {
  for (const setting of SETTINGS) {
    const words = setting.words ?? [];
    const line = `  ${setting.keyword} ${words[0]?.name ?? '1'}`;
    assert.equal(scope(line, setting.keyword), 'keyword.other.setting.drvmap', setting.keyword);
    const expected =
      setting.keyword === 'strategy' ? 'constant.language.strategy.drvmap' : 'constant.language.value.drvmap';
    for (const word of words) {
      const wordLine = `  ${setting.keyword} ${word.name}`;
      assert.equal(
        scope(wordLine, word.name, setting.keyword.length + 2),
        expected,
        `${setting.keyword} ${word.name}`,
      );
    }
  }
  for (const trait of DRIVER_TRAITS) {
    assert.equal(scope(`    ${trait.keyword}`, trait.keyword), 'keyword.other.trait.drvmap', trait.keyword);
    for (const word of trait.words ?? []) {
      const line = `    ${trait.keyword} ${word.name}`;
      assert.equal(
        scope(line, word.name, trait.keyword.length + 4),
        'constant.language.value.drvmap',
        `${trait.keyword} ${word.name}`,
      );
    }
  }
  // `any` leaves a trait open (`maps any`), or every trait when it stands alone.
  assert.equal(scope('    maps any', 'any', 8), 'constant.language.value.drvmap');
  assert.equal(scope('    any', 'any'), 'keyword.other.trait.drvmap');
  // A name that looks like a trait is still a name when bound.
  assert.equal(scope('  maps = mmap 4KiB rw private anon', 'maps'), 'variable.other.definition.drvmap');
});

test('actors, errnos, Vulkan results and expectation words', () => {
  for (const actor of BUILTIN_ACTORS) {
    assert.equal(
      scope(`  ${actor.name} writes p, 64`, actor.name),
      'variable.language.actor.drvmap',
      actor.name,
    );
    assert.equal(
      scope(`  mmap 4KiB rw private anon by ${actor.name}`, actor.name),
      'variable.language.actor.drvmap',
    );
  }
  assert.equal(scope('  driver writes mem + 0x100, 64', 'driver'), 'variable.other.actor.drvmap');
  assert.equal(scope('  w = soft writes mem + 0x100, 64', 'soft'), 'variable.other.actor.drvmap');
  for (const errno of ERRNO_NAMES)
    assert.equal(scope(`  expect b == ${errno}`, errno), 'constant.language.errno.drvmap', errno);
  for (const vk of VK_RESULT_NAMES)
    assert.equal(scope(`  expect p == ${vk}`, vk), 'constant.language.vk-result.drvmap', vk);
  for (const word of EXPECT_WORDS) {
    const s = scope(`  expect read a, 1 == ${word.name}`, word.name);
    assert.ok(
      s === 'constant.language.expect.drvmap' || s === 'constant.language.signal.drvmap',
      `${word.name}: ${s}`,
    );
  }
});

test('numbers: hex and decimal with `_`, units glued or apart, versions; bad units marked', () => {
  const numberScope = (line: string, text: string) => {
    const [tokens] = tokenizer.tokenize(line);
    const at = line.indexOf(text);
    return tokens?.find((t) => at >= t.start && at < t.start + t.text.length)?.scopes ?? [];
  };
  assert.ok(numberScope('  a = mmap 0x7fff_0000', '0x7fff_0000').includes('constant.numeric.hex.drvmap'));
  assert.ok(numberScope('  a = mmap 0b1010', '0b1010').includes('constant.numeric.binary.drvmap'));
  // A kernel version is one literal however uname -r writes it (docs/language.md, `kernel`).
  for (const version of ['6.18', '6.1-rc3', '6.10.6-200.fc40.x86_64', '6.6.31+rpt-rpi-v8']) {
    const line = `  kernel ${version} # why`;
    const [tokens] = tokenizer.tokenize(line);
    const inVersion = (tokens ?? []).filter((t) => t.start >= 9 && t.start < 9 + version.length);
    assert.deepEqual(
      inVersion.map((t) => [t.text, t.scopes.includes('constant.numeric.version.drvmap')]),
      [[version, true]],
      version,
    );
    assert.ok(numberScope(line, 'why').includes('comment.line.number-sign.drvmap'), version);
  }
  // So is a Wine version (`wine 10.0-rc3`), while `wine writes …` stays the actor's access.
  for (const version of ['10.15', '9.0.1', '10.0-rc3']) {
    const line = `  wine ${version}`;
    const [tokens] = tokenizer.tokenize(line);
    assert.equal(scope(line, 'wine'), 'keyword.other.setting.drvmap', version);
    assert.deepEqual(
      (tokens ?? [])
        .filter((t) => t.start >= 7)
        .map((t) => [t.text, t.scopes.includes('constant.numeric.version.drvmap')]),
      [[version, true]],
      version,
    );
  }
  assert.equal(scope('  wine writes p, 64', 'wine'), 'variable.language.actor.drvmap');
  assert.equal(scope('  wine reads p, 64', 'reads'), scope('  app reads p, 64', 'reads'));
  assert.ok(numberScope('  a = mmap 1_048_576', '1_048_576').includes('constant.numeric.decimal.drvmap'));
  assert.ok(numberScope('  a = mmap 16MiB', 'MiB').includes('keyword.other.unit.drvmap'));
  assert.ok(numberScope('  a = mmap 16 MiB', 'MiB').includes('keyword.other.unit.drvmap'));
  assert.ok(numberScope('  a = mmap 1.5GiB', '1.5').includes('constant.numeric.decimal.drvmap'));
  assert.ok(numberScope('  a = mmap 16Mib', 'Mib').includes('invalid.illegal.unit.drvmap'));
  for (const unit of Object.keys(UNIT_BYTES)) {
    assert.ok(numberScope(`  a = mmap 2${unit}`, unit).includes('keyword.other.unit.drvmap'), `2${unit}`);
    assert.ok(
      numberScope(`  a = mmap 2 ${unit}`, ` ${unit}`.trim()).includes('keyword.other.unit.drvmap'),
      `2 ${unit}`,
    );
  }
  // `p-0x100` is p minus a number.
  const [tokens] = tokenizer.tokenize('  q = p-0x100');
  assert.ok(tokens?.some((t) => t.text === '-' && t.scopes.includes('keyword.operator.arithmetic.drvmap')));
});

test('strings, both comment styles and operators', () => {
  const tokensOf = (line: string) => tokenizer.tokenize(line)[0] ?? [];
  const scopesOf = (line: string, text: string) =>
    tokensOf(line).find((t) => t.text.includes(text))?.scopes ?? [];
  assert.ok(
    scopesOf('  f = open memfd "wow64buf" 20KiB', 'wow64buf').includes('string.quoted.double.drvmap'),
  );
  assert.ok(
    (tokensOf('  f = open memfd "a\\"b" 20KiB').find((t) => t.text === 'b')?.scopes ?? []).includes(
      'string.quoted.double.drvmap',
    ),
  );
  assert.ok(scopesOf('# a comment with mmap', 'mmap').includes('comment.line.number-sign.drvmap'));
  assert.ok(scopesOf('  a = mmap 4KiB // trailing', 'trailing').includes('comment.line.double-slash.drvmap'));
  assert.ok(
    scopesOf('  a = mmap 4KiB rw private anon # why', 'why').includes('comment.line.number-sign.drvmap'),
  );
  const ops: [string, string, string][] = [
    ['  expect a == 0x1000', '==', 'keyword.operator.comparison.drvmap'],
    ['  expect a != 0x1000', '!=', 'keyword.operator.comparison.drvmap'],
    ['  window 0x1_0000 .. 0xffff_0000', '..', 'keyword.operator.range.drvmap'],
    ['  b = mremap a, 2MiB, 2MiB, maymove | dontunmap', '|', 'keyword.operator.flags.drvmap'],
    ['  app writes p + 0x100, 64', '+', 'keyword.operator.arithmetic.drvmap'],
    ['  app writes p + 2 * 0x100, 64', '*', 'keyword.operator.arithmetic.drvmap'],
    ['  p = vkMapMemory mem', '=', 'keyword.operator.assignment.drvmap'],
    ['  app writes p, 64', ',', 'punctuation.separator.comma.drvmap'],
  ];
  for (const [line, op, expected] of ops) {
    const token = tokensOf(line).find((t) => t.text.trim() === op);
    assert.ok(token?.scopes.includes(expected), `${op} in ${line}: ${token?.scopes.join(' ')}`);
  }
  const block = tokenizer.tokenize('scenario "x" {\n}');
  assert.ok(block[1]?.[0]?.scopes.includes('punctuation.section.block.end.drvmap'));
});

test('every example scenario tokenizes, with no invalid units and no stray context', () => {
  const dir = join(repoRoot(), 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.drvmap'));
  assert.ok(files.length > 0);
  for (const file of files) {
    const text = readRepoFile(join('examples', file));
    const lines = tokenizer.tokenize(text);
    lines.forEach((tokens, i) => {
      for (const t of tokens) {
        assert.ok(
          !t.scopes.some((s) => s.startsWith('invalid.')),
          `${file}:${i + 1}: ${t.text} is marked invalid`,
        );
      }
      // Every line-oriented context ends with its line: a new line starts at the top level.
      const first = tokens.find((t) => t.text.trim() !== '');
      if (first)
        assert.ok(
          first.scopes.length <= 3,
          `${file}:${i + 1}: ${first.text} nested in ${first.scopes.join(' ')}`,
        );
    });
  }
});
