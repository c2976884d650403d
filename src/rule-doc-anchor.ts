// Finding a rule's section in docs/rules.md, and a rule code in a diagnostic. Pure.

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to `-`. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/**
 * The 0-based line where the section for `code` starts: an explicit anchor (`<a id="code">`,
 * `{#code}`) or a heading whose slug is the code or starts with it (`## stale-pointer — …`).
 */
export function ruleSectionLine(markdown: string, code: string): number | undefined {
  const lines = markdown.split(/\r?\n/);
  const explicit = new RegExp(`(?:id|name)=["']${escapeRegExp(code)}["']|\\{#${escapeRegExp(code)}\\}`);
  let prefixMatch: number | undefined;
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^ {0,3}(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (explicit.test(line)) return i;
    const heading = HEADING.exec(line);
    if (!heading) continue;
    const text = heading[2] ?? '';
    if (headingSlug(text) === code) return i;
    // `## stale-pointer — A driver uses…` or `## \`stale-pointer\`: …`, but not `## stale-pointer-extra`.
    const bare = text.replace(/`/g, '');
    if (prefixMatch === undefined && bare.startsWith(code) && !/[\w-]/.test(bare.charAt(code.length)))
      prefixMatch = i;
  }
  return prefixMatch;
}

/** `Diagnostic.code` as VS Code gives it: a string, a number or `{ value, target }`. */
export function diagnosticCodeValue(code: unknown): string | undefined {
  if (typeof code === 'string') return code;
  if (typeof code === 'number') return String(code);
  if (code && typeof code === 'object' && 'value' in code) {
    const value = (code as { value: unknown }).value;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  }
  return undefined;
}

/** Rule codes look like `stale-pointer`: lower-case words joined by `-`. */
export function isRuleCode(text: string): boolean {
  return /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where the rules are documented online; the same as the server's codeDescription links. */
export const RULES_DOC_URL = 'https://github.com/drvmap/drvmap/blob/main/docs/rules.md';

export interface RuleEntry {
  readonly code: string;
  readonly summary: string;
}

/** Rule codes and their one-line summaries from the drvmap.severity settings schema. */
export function rulesFromManifest(packageJson: unknown): RuleEntry[] {
  const properties = (
    packageJson as {
      contributes?: {
        configuration?: {
          properties?: Record<string, { properties?: Record<string, { markdownDescription?: string }> }>;
        };
      };
    }
  )?.contributes?.configuration?.properties?.['drvmap.severity']?.properties;
  if (!properties) return [];
  return Object.entries(properties).map(([code, schema]) => ({
    code,
    summary: (schema.markdownDescription ?? '').replace(/\s*Default:.*$/s, ''),
  }));
}
