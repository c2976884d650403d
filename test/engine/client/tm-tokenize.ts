// A small TextMate tokenizer over JS RegExp, enough to check the drvmap grammar without
// vscode-textmate: match rules with captures, begin/end rules (end tried first, as
// vscode-textmate does), includes of `#name` and `$self`. Lines are tokenized one by one with
// the rule stack carried over. Oniguruma syntax JS cannot read is refused by compileTm.

export interface TmCaptures {
  readonly [group: string]: { readonly name?: string };
}

export interface TmRule {
  readonly name?: string;
  readonly contentName?: string;
  readonly match?: string;
  readonly begin?: string;
  readonly end?: string;
  readonly captures?: TmCaptures;
  readonly beginCaptures?: TmCaptures;
  readonly endCaptures?: TmCaptures;
  readonly patterns?: readonly TmRule[];
  readonly include?: string;
  readonly comment?: string;
}

export interface TmGrammar {
  readonly scopeName: string;
  readonly patterns: readonly TmRule[];
  readonly repository: Readonly<Record<string, TmRule>>;
}

/** Constructs Oniguruma has and JS RegExp has not (or reads differently). */
const ONIGURUMA_ONLY: readonly [RegExp, string][] = [
  [/\\[hHAzZGK]/, 'an Oniguruma-only escape (\\h \\H \\A \\z \\Z \\G \\K)'],
  [/\(\?[imx-]+[):]/, 'inline flags'],
  [/\(\?>/, 'an atomic group'],
  [/[*+?}]\+/, 'a possessive quantifier'],
  [/\\p\{/, 'a Unicode property (needs the u flag in JS)'],
  [/\(\?~/, 'an absent operator'],
  [/\\g</, 'a subexpression call'],
];

export function compileTm(source: string): RegExp {
  for (const [pattern, what] of ONIGURUMA_ONLY) {
    if (pattern.test(source)) throw new Error(`${JSON.stringify(source)} uses ${what}`);
  }
  return new RegExp(source, 'dg');
}

export interface Token {
  readonly text: string;
  readonly start: number;
  readonly scopes: readonly string[];
}

interface Frame {
  readonly rule: TmRule;
  readonly end: RegExp;
  readonly scopes: readonly string[];
}

export class TmTokenizer {
  private readonly cache = new Map<string, RegExp>();

  constructor(private readonly grammar: TmGrammar) {}

  /** Tokenizes a whole text; one token list per line. */
  tokenize(text: string): Token[][] {
    const stack: Frame[] = [];
    return text.split(/\r?\n/).map((line) => this.tokenizeLine(line, stack));
  }

  private regex(source: string): RegExp {
    let re = this.cache.get(source);
    if (!re) {
      re = compileTm(source);
      this.cache.set(source, re);
    }
    return re;
  }

  /** The rules a pattern list stands for, with includes resolved. */
  private expand(patterns: readonly TmRule[], seen = new Set<TmRule>()): TmRule[] {
    const out: TmRule[] = [];
    for (const p of patterns) {
      if (p.include !== undefined) {
        const target =
          p.include === '$self' || p.include === '$base'
            ? { patterns: this.grammar.patterns }
            : p.include.startsWith('#')
              ? this.grammar.repository[p.include.slice(1)]
              : undefined;
        if (!target) throw new Error(`unresolved include ${p.include}`);
        if (seen.has(target)) continue;
        seen.add(target);
        out.push(...(target.match || target.begin ? [target] : this.expand(target.patterns ?? [], seen)));
      } else if (p.match || p.begin) out.push(p);
      else if (p.patterns) out.push(...this.expand(p.patterns, seen));
    }
    return out;
  }

  private tokenizeLine(line: string, stack: Frame[]): Token[] {
    const scopesAt: string[][] = Array.from({ length: line.length }, () => []);
    const paint = (from: number, to: number, scopes: readonly string[]) => {
      for (let i = from; i < to; i++) scopesAt[i] = [...scopes];
    };
    const paintCaptures = (m: RegExpExecArray, captures: TmCaptures | undefined, base: readonly string[]) => {
      if (!captures || !m.indices) return;
      for (const [group, capture] of Object.entries(captures)) {
        const span = m.indices[Number(group)];
        if (!span || !capture.name) continue;
        for (let i = span[0]; i < span[1]; i++) scopesAt[i] = [...base, ...capture.name.split(' ')];
      }
    };
    const top = () => stack[stack.length - 1];
    const baseScopes = () => top()?.scopes ?? [this.grammar.scopeName];
    paint(0, line.length, baseScopes());

    let pos = 0;
    let guard = 0;
    while (pos <= line.length) {
      if (guard++ > 10_000) throw new Error(`the grammar loops on: ${line}`);
      const frame = top();
      const rules = this.expand(frame ? (frame.rule.patterns ?? []) : this.grammar.patterns);
      let best: { m: RegExpExecArray; rule: TmRule | undefined } | undefined;
      if (frame) {
        frame.end.lastIndex = pos;
        const m = frame.end.exec(line);
        if (m) best = { m, rule: undefined };
      }
      for (const rule of rules) {
        const re = this.regex((rule.match ?? rule.begin)!);
        re.lastIndex = pos;
        const m = re.exec(line);
        if (m && (!best || m.index < best.m.index)) best = { m, rule };
      }
      if (!best) break;
      const { m, rule } = best;
      const start = m.index;
      const end = start + m[0].length;
      const base = baseScopes();
      if (!rule) {
        // End of the innermost begin/end rule.
        const popped = stack.pop()!;
        paint(start, end, popped.scopes);
        paintCaptures(m, popped.rule.endCaptures ?? popped.rule.captures, popped.scopes);
        pos = end;
        if (end === start && end >= line.length) {
          if (stack.length === 0 || top() === popped) break;
        }
        continue;
      }
      const scopes = rule.name ? [...base, ...rule.name.split(' ')] : base;
      if (rule.match) {
        paint(start, end, scopes);
        paintCaptures(m, rule.captures, scopes);
        pos = end > start ? end : end + 1;
        continue;
      }
      // A begin rule: its scopes cover the begin text and everything up to its end.
      paint(start, end, scopes);
      paintCaptures(m, rule.beginCaptures ?? rule.captures, scopes);
      const inner = rule.contentName ? [...scopes, ...rule.contentName.split(' ')] : scopes;
      paint(end, line.length, inner);
      stack.push({ rule, end: this.regex(rule.end!), scopes: inner });
      if (end === start && stack.length > 50) throw new Error(`an empty begin loops on: ${line}`);
      pos = end;
    }

    // Group characters with the same scopes into tokens.
    const tokens: Token[] = [];
    for (let i = 0; i < line.length;) {
      const scopes = scopesAt[i] ?? [];
      let j = i + 1;
      while (j < line.length && (scopesAt[j] ?? []).join(' ') === scopes.join(' ')) j++;
      tokens.push({ text: line.slice(i, j), start: i, scopes });
      i = j;
    }
    return tokens;
  }
}

/** The innermost scope of the first character of `word` (whole word, at or after `from`). */
export function scopeOf(tokens: readonly Token[], line: string, word: string, from = 0): string | undefined {
  const re = new RegExp(`(?<![\\w-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g');
  re.lastIndex = from;
  const at = re.exec(line)?.index;
  if (at === undefined) return undefined;
  const token = tokens.find((t) => at >= t.start && at < t.start + t.text.length);
  return token?.scopes[token.scopes.length - 1];
}
