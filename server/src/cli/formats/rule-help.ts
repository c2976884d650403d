// Each rule's explanation for SARIF (`fullDescription`, `help`): the prose of the rule's section
// of docs/rules.md, without its examples. The document is bundled as text (esbuild's text loader,
// scripts/build.mjs), so the report says what the documentation says and the two cannot drift;
// the docs test checks that every rule has a section.
import RULES_MARKDOWN from '../../../../docs/rules.md';
import { RULES_DOC_URL } from '../../engine/rules/registry';

export interface RuleHelp {
  /** The section's first paragraph, without its "Family, severity." lead (SARIF fullDescription). */
  readonly summary: string;
  /** Every paragraph and list item of the section, as plain text (help.text). */
  readonly text: string;
  /** The same as Markdown, links made absolute so that they work wherever it is shown (help.markdown). */
  readonly markdown: string;
}

/** A paragraph, or one item of a list (`- …`), its lines joined. */
interface Block {
  readonly item: boolean;
  readonly text: string;
}

/** A paragraph that ends in a colon, or speaks of the example here or below, introduces the fence after it. */
function leadsIntoExample(text: string): boolean {
  return text.endsWith(':') || /\bexamples? (here|below)\b|\bthe one below\b/i.test(text);
}

/**
 * The blocks of prose in a section. Fenced code (the examples) is left out, and so is the
 * paragraph right before a fence that introduces it ("Since it needs the real kernel, no example
 * here fires it: the one below …"): the help shows no example.
 */
function proseBlocks(lines: readonly string[]): Block[] {
  const parts: (Block | 'code')[] = [];
  let current: { item: boolean; lines: string[] } | undefined;
  let fenced = false;
  const close = () => {
    if (current) parts.push({ item: current.item, text: current.lines.join(' ') });
    current = undefined;
  };
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('```')) {
      close();
      if (!fenced) parts.push('code');
      fenced = !fenced;
    } else if (fenced) continue;
    else if (trimmed === '') close();
    else if (/^[-*] /.test(trimmed)) {
      close();
      current = { item: true, lines: [trimmed.slice(2)] };
    } else if (current) current.lines.push(trimmed);
    else current = { item: false, lines: [trimmed] };
  }
  close();
  return parts.filter(
    (part, i): part is Block =>
      part !== 'code' && (part.item || parts[i + 1] !== 'code' || !leadsIntoExample(part.text)),
  );
}

/** `[label](target)` with a relative target made absolute against docs/ on the project's site. */
function absoluteLinks(markdown: string): string {
  const docs = RULES_DOC_URL.slice(0, RULES_DOC_URL.lastIndexOf('/') + 1);
  return markdown.replace(/\]\(([^)\s]+)\)/g, (whole, target: string) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return whole;
    return `](${target.startsWith('#') ? RULES_DOC_URL + target : docs + target})`;
  });
}

/** Markdown as plain text: `[label](url)` is `label (url)`, emphasis marks go; code spans stay as written. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => `${label} (${url})`)
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?![\w*])/g, '$1$2'),
    )
    .join('');
}

function render(blocks: readonly Block[], convert: (text: string) => string): string {
  let out = '';
  blocks.forEach((b, i) => {
    if (i > 0) out += b.item && blocks[i - 1]!.item ? '\n' : '\n\n';
    out += (b.item ? '- ' : '') + convert(b.text);
  });
  return out;
}

/** The help of every rule that has a section in `markdown` (docs/rules.md), by code. */
export function parseRuleHelp(markdown: string): Map<string, RuleHelp> {
  const out = new Map<string, RuleHelp>();
  const lines = markdown.split(/\r?\n/);
  let code: string | undefined;
  let section: string[] = [];
  const finish = () => {
    if (code === undefined) return;
    const blocks = proseBlocks(section);
    const first = blocks.findIndex((b) => !b.item);
    if (first >= 0) {
      // The first paragraph, and the list it leads into when it ends with a colon ("Wine then
      // falls back, in this order:"); without the family and severity it opens with.
      let end = first + 1;
      if (blocks[first]!.text.endsWith(':')) while (blocks[end]?.item) end++;
      const opening = blocks
        .slice(first, end)
        .map((b, i) =>
          i === 0
            ? { ...b, text: b.text.replace(/^[A-Z][\w ()]*, (error|warning|info|information|hint)\. /, '') }
            : b,
        );
      const markdownText = render(blocks, absoluteLinks);
      out.set(code, {
        summary: plainText(render(opening, absoluteLinks)),
        text: plainText(markdownText),
        markdown: markdownText,
      });
    }
  };
  for (const line of lines) {
    const heading = /^## `([a-z0-9-]+)`\s*$/.exec(line);
    if (heading || line.startsWith('## ')) {
      finish();
      code = heading?.[1];
      section = [];
    } else if (code !== undefined) section.push(line);
  }
  finish();
  return out;
}

let bundled: Map<string, RuleHelp> | undefined;

/** The help of a rule from the bundled docs/rules.md; undefined for a code it has no section for. */
export function ruleHelp(code: string): RuleHelp | undefined {
  bundled ??= parseRuleHelp(RULES_MARKDOWN);
  return bundled.get(code);
}
