// The TextMate grammar (syntaxes/drvmap.tmLanguage.json) is generated from the vocabulary, so a
// new verb, flag or trait is highlighted as soon as the parser knows it. grammar.test.ts fails
// when the checked-in file differs from this; to update it run
//   DRVMAP_UPDATE_GRAMMAR=1 node --test out-test/test/engine/client/grammar.test.js
// (after `node scripts/build.mjs --tests`), then `npx prettier --write syntaxes`.
import {
  ACCESS_VERBS,
  BUILTIN_ACTORS,
  DRIVER_TRAITS,
  ERRNO_NAMES,
  EXPECT_WORDS,
  SETTINGS,
  VERBS,
  VK_RESULT_NAMES,
  type VerbSpec,
} from '../../../server/src/engine/language/vocabulary';
import { OPEN_TRAIT_WORD } from '../../../server/src/engine/model/driver';
import { UNIT_BYTES } from '../../../server/src/engine/numbers';

const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLength = (words: Iterable<string>) =>
  [...new Set(words)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
const alt = (words: Iterable<string>) => byLength(words).map(escape).join('|');

/** No identifier character (or `-`) before. */
const B = '(?<![\\w-])';
/** The identifier does not continue (`fixed` is not the start of `fixed-noreplace`). */
const E = '(?![\\w]|-[A-Za-z_])';
const IDENT = '[A-Za-z_]\\w*(?:-[A-Za-z_]\\w*)*';
const LINE_START = '^\\s*';
const NOT_BINDING = '(?!\\s*=(?!=))';
const word = (words: Iterable<string>) => `${B}(?:${alt(words)})${E}`;

/** Protection words are short and could be names: see the `step` rule. */
const SHORT_PROT = ['none', 'r', 'w', 'x', 'rw', 'rx', 'wx', 'rwx'];

export function generateGrammar(): unknown {
  const family = (f: VerbSpec['family']) => VERBS.filter((v) => v.family === f).map((v) => v.verb);
  const flags = new Set(VERBS.flatMap((v) => v.wordGroups.flatMap((g) => g.words.map((w) => w.name))));
  const shortFlags = [...flags].filter((f) => SHORT_PROT.includes(f));
  const longFlags = [...flags].filter((f) => !SHORT_PROT.includes(f));
  const options = new Set(VERBS.flatMap((v) => v.options.map((o) => o.name)));
  const strategy = SETTINGS.find((s) => s.keyword === 'strategy');
  const settings = SETTINGS.filter((s) => s !== strategy);
  const versionSettings = SETTINGS.filter((s) => s.args === 'version').map((s) => s.keyword);
  const settingWords = settings.flatMap((s) => (s.words ?? []).map((w) => w.name));
  // `any` leaves a trait open (`maps any`), or alone on its line every trait (docs/explore.md).
  const traitWords = [...DRIVER_TRAITS.flatMap((t) => (t.words ?? []).map((w) => w.name)), OPEN_TRAIT_WORD];
  const actors = BUILTIN_ACTORS.map((a) => a.name);
  const access = Object.keys(ACCESS_VERBS);
  const signals = EXPECT_WORDS.map((w) => w.name).filter((w) => w.startsWith('SIG'));
  const expectValues = EXPECT_WORDS.map((w) => w.name).filter((w) => !w.startsWith('SIG'));
  const UNIT = `(?:${alt(Object.keys(UNIT_BYTES))})`;
  /** `wine writes …`: a setting's word before an access verb is an actor, as the parser reads it. */
  const NOT_ACCESS = `(?!\\s+(?:${alt(access)})${E})`;

  const number = (kind: string, digits: string) => ({
    name: `constant.numeric.${kind}.drvmap`,
    match: `(?<!\\w)${digits}(?:(${UNIT})(?!\\w)|([A-Za-z]\\w*))?(?:\\s+(${UNIT})(?![\\w-]))?`,
    captures: {
      '1': { name: 'keyword.other.unit.drvmap' },
      '2': { name: 'invalid.illegal.unit.drvmap' },
      '3': { name: 'keyword.other.unit.drvmap' },
    },
  });
  const lineOf = (
    keywordScope: string,
    keywords: Iterable<string>,
    valueScope: string,
    values: Iterable<string>,
  ) => ({
    begin: `${LINE_START}(${alt(keywords)})${E}${NOT_BINDING}${NOT_ACCESS}`,
    beginCaptures: { '1': { name: keywordScope } },
    end: '$',
    patterns: [{ include: '#comments' }, { name: valueScope, match: word(values) }, { include: '#values' }],
  });

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'drvmap',
    scopeName: 'source.drvmap',
    comment:
      "Driver mapping scenarios. Generated from the vocabulary by test/engine/client/grammar-source.ts (see there to update). The language server's semantic tokens refine it.",
    patterns: [
      'comments',
      'scenario',
      'driver',
      'actor',
      'strategy',
      'kernelVersion',
      'setting',
      'trait',
      'expect',
      'binding',
      'step',
      'access',
      'values',
    ].map((name) => ({ include: `#${name}` })),
    repository: {
      comments: {
        patterns: [
          {
            name: 'comment.line.number-sign.drvmap',
            match: '(#).*$',
            captures: { '1': { name: 'punctuation.definition.comment.drvmap' } },
          },
          {
            name: 'comment.line.double-slash.drvmap',
            match: '(//).*$',
            captures: { '1': { name: 'punctuation.definition.comment.drvmap' } },
          },
        ],
      },
      string: {
        name: 'string.quoted.double.drvmap',
        begin: '"',
        beginCaptures: { '0': { name: 'punctuation.definition.string.begin.drvmap' } },
        end: '(")|(?=$)',
        endCaptures: { '1': { name: 'punctuation.definition.string.end.drvmap' } },
        patterns: [{ name: 'constant.character.escape.drvmap', match: '\\\\.' }],
      },
      scenario: {
        match: `${B}(scenario)${E}(?:\\s*("(?:[^"\\\\]|\\\\.)*"))?`,
        captures: {
          '1': { name: 'keyword.other.scenario.drvmap' },
          '2': { name: 'string.quoted.double.drvmap entity.name.section.scenario.drvmap' },
        },
      },
      driver: {
        comment:
          '`driver NAME {` declares a driver; `driver NAME` after vkAllocateMemory is an option; `driver writes …` is an access.',
        match: `${LINE_START}(driver)${E}(?:\\s+(?!(?:${alt(access)})${E})(${IDENT}))?(?=\\s*(?:\\{|$|#|//))`,
        captures: {
          '1': { name: 'keyword.other.driver.drvmap' },
          '2': { name: 'entity.name.type.driver.drvmap' },
        },
      },
      actor: {
        match: `${LINE_START}(actor)${E}(?:\\s+(${IDENT}))?`,
        captures: {
          '1': { name: 'keyword.other.actor.drvmap' },
          '2': { name: 'entity.name.type.actor.drvmap' },
        },
      },
      strategy: lineOf(
        'keyword.other.setting.drvmap',
        ['strategy'],
        'constant.language.strategy.drvmap',
        (strategy?.words ?? []).map((w) => w.name),
      ),
      kernelVersion: {
        comment:
          'A kernel version as uname -r prints it (6.1-rc3, 6.10.6-200.fc40.x86_64), or a Wine version (wine 10.15): everything glued to it is the version, one literal, as the parser reads it. `wine writes …` is an access by the actor wine.',
        match: `${LINE_START}(${alt(versionSettings)})${E}${NOT_BINDING}${NOT_ACCESS}\\s+((?:(?!//)[^\\s#])+)`,
        captures: {
          '1': { name: 'keyword.other.setting.drvmap' },
          '2': { name: 'constant.numeric.version.drvmap' },
        },
      },
      setting: lineOf(
        'keyword.other.setting.drvmap',
        settings.map((s) => s.keyword),
        'constant.language.value.drvmap',
        settingWords,
      ),
      trait: lineOf(
        'keyword.other.trait.drvmap',
        [...DRIVER_TRAITS.map((t) => t.keyword), OPEN_TRAIT_WORD],
        'constant.language.value.drvmap',
        traitWords,
      ),
      expect: {
        begin: `${B}(expect)${E}`,
        beginCaptures: { '1': { name: 'keyword.control.expect.drvmap' } },
        end: '$',
        patterns: [
          { include: '#comments' },
          {
            match: `${B}(diagnostic)${E}(?:\\s+(${IDENT}))?`,
            captures: {
              '1': { name: 'keyword.other.expect.drvmap' },
              '2': { name: 'constant.other.rule-code.drvmap' },
            },
          },
          { name: 'keyword.other.expect.drvmap', match: word(['mapped', 'unmapped']) },
          { include: '#access' },
          { name: 'support.function.access.drvmap', match: word(family('access')) },
          { include: '#values' },
        ],
      },
      binding: {
        match: `${LINE_START}(${IDENT})\\s*(=)(?!=)`,
        captures: {
          '1': { name: 'variable.other.definition.drvmap' },
          '2': { name: 'keyword.operator.assignment.drvmap' },
        },
      },
      step: {
        comment: 'A command and its arguments up to the end of the line; flag words are only flags here.',
        begin: `${B}(?:(${alt(family('syscall'))})|(${alt(family('vulkan'))})|(${alt(family('access'))})|(${alt(family('object'))}))${E}`,
        beginCaptures: {
          '1': { name: 'support.function.syscall.drvmap' },
          '2': { name: 'support.function.vulkan.drvmap' },
          '3': { name: 'support.function.access.drvmap' },
          '4': { name: 'support.function.object.drvmap' },
        },
        end: '$',
        patterns: [
          { include: '#comments' },
          { include: '#options' },
          { name: 'constant.language.flag.drvmap', match: word(longFlags) },
          {
            comment:
              'A protection word is a flag when followed by another word, `|` or the end of the line, never by `,` or an operator (then it is a name).',
            name: 'constant.language.flag.drvmap',
            match: `${word(shortFlags)}(?=\\s*(?:$|[|#]|//|[A-Za-z_]))`,
          },
          { include: '#values' },
        ],
      },
      access: {
        comment: '`app writes p, 64`: an actor followed by writes/reads.',
        match: `${B}(?:(${alt(actors)})|(${IDENT}))\\s+(${alt(access)})${E}`,
        captures: {
          '1': { name: 'variable.language.actor.drvmap' },
          '2': { name: 'variable.other.actor.drvmap' },
          '3': { name: 'support.function.access.drvmap' },
        },
      },
      options: {
        patterns: [
          {
            match: `${B}(by)${E}(?:\\s+(?:(${alt(actors)})${E}|(${IDENT})))?`,
            captures: {
              '1': { name: 'keyword.other.option.drvmap' },
              '2': { name: 'variable.language.actor.drvmap' },
              '3': { name: 'variable.other.actor.drvmap' },
            },
          },
          {
            match: `${B}(driver)${E}(?:\\s+(${IDENT}))?`,
            captures: {
              '1': { name: 'keyword.other.option.drvmap' },
              '2': { name: 'entity.name.type.driver.drvmap' },
            },
          },
          {
            name: 'keyword.other.option.drvmap',
            match: word([...options].filter((o) => o !== 'by' && o !== 'driver')),
          },
        ],
      },
      values: {
        patterns: [
          { include: '#comments' },
          { include: '#string' },
          { include: '#numbers' },
          { name: 'constant.language.errno.drvmap', match: word(ERRNO_NAMES) },
          { name: 'constant.language.vk-result.drvmap', match: word(VK_RESULT_NAMES) },
          { name: 'constant.language.signal.drvmap', match: word(signals) },
          { name: 'constant.language.expect.drvmap', match: word(expectValues) },
          { name: 'variable.language.actor.drvmap', match: word(actors) },
          { include: '#operators' },
          { name: 'variable.other.drvmap', match: B + IDENT },
        ],
      },
      numbers: {
        patterns: [
          number('hex', '0[xX][0-9a-fA-F_]+'),
          number('binary', '0[bB][01_]+'),
          number('decimal', '[0-9][0-9_]*(?:\\.[0-9][0-9_]*)?'),
        ],
      },
      operators: {
        patterns: [
          { name: 'keyword.operator.comparison.drvmap', match: '==|!=' },
          { name: 'keyword.operator.range.drvmap', match: '\\.\\.' },
          { name: 'keyword.operator.assignment.drvmap', match: '=' },
          { name: 'keyword.operator.arithmetic.drvmap', match: '[+*-]' },
          { name: 'keyword.operator.flags.drvmap', match: '\\|' },
          { name: 'punctuation.separator.comma.drvmap', match: ',' },
          { name: 'punctuation.separator.colon.drvmap', match: ':' },
          { name: 'punctuation.section.block.begin.drvmap', match: '\\{' },
          { name: 'punctuation.section.block.end.drvmap', match: '\\}' },
          { name: 'punctuation.section.parens.begin.drvmap', match: '\\(' },
          { name: 'punctuation.section.parens.end.drvmap', match: '\\)' },
        ],
      },
    },
  };
}
