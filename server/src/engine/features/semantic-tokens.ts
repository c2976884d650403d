// Semantic tokens: addresses, sizes, flags, actors, names and keywords each get their own type.
// The lexer gives every token; the syntax tree decides what each identifier and number means.
// `address` is not a standard LSP type: the client declares it (superType `number`); where it is
// not declared the editor keeps the grammar's colour.
import type { DocumentAnalysis } from '../analysis';
import {
  ACCESS_VERBS,
  BUILTIN_ACTORS,
  ERRNO_NAMES,
  EXPECT_WORDS,
  VK_RESULT_NAMES,
} from '../language/vocabulary';
import type { Argument, Expression, Identifier, Statement } from '../syntax/ast';
import { tokenize } from '../syntax/lexer';
import { layerActors } from '../model/layer-actors';
import { STRATEGY_NAMES } from '../sim/platform';
import { optionRole, settingRole, stepArgumentRoles, type ValueRole } from './locate';

export const TOKEN_TYPES = [
  'keyword',
  'function',
  'variable',
  'number',
  'address',
  'string',
  'comment',
  'operator',
  'enumMember',
  'type',
  'property',
] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND = {
  tokenTypes: [...TOKEN_TYPES] as string[],
  tokenModifiers: [...TOKEN_MODIFIERS] as string[],
};

export interface SemanticToken {
  readonly line: number;
  readonly character: number;
  readonly length: number;
  readonly type: TokenType;
  readonly modifiers: readonly TokenModifier[];
}

interface Class {
  readonly type: TokenType;
  readonly modifiers: readonly TokenModifier[];
}

const OPERATORS = new Set(['assign', 'eq', 'neq', 'plus', 'minus', 'star', 'pipe', 'dotdot']);

export function semanticTokens(analysis: DocumentAnalysis): SemanticToken[] {
  const classes = classify(analysis);
  const out: SemanticToken[] = [];
  const { lines, text } = analysis;
  // Unit words written apart from their number (`16 MiB`) belong to the number literal.
  const literalEnds: [number, number, Class][] = [];
  for (const [start, c] of classes.numbers) literalEnds.push([start, c.end, c.cls]);
  literalEnds.sort((a, b) => a[0] - b[0]);
  let literal = 0;
  for (const token of tokenize(text)) {
    let cls: Class | undefined;
    while (literal < literalEnds.length && literalEnds[literal]![1] <= token.start) literal++;
    const inLiteral =
      literalEnds[literal] && literalEnds[literal]![0] <= token.start && token.end <= literalEnds[literal]![1]
        ? literalEnds[literal]![2]
        : undefined;
    switch (token.kind) {
      case 'comment':
        cls = { type: 'comment', modifiers: [] };
        break;
      case 'string':
        cls = { type: 'string', modifiers: [] };
        break;
      case 'number':
        cls = inLiteral ?? { type: 'number', modifiers: [] };
        break;
      case 'ident':
        cls =
          classes.idents.get(token.start) ??
          inLiteral ??
          (insideScenario(analysis, token.start) ? { type: 'keyword', modifiers: [] } : undefined);
        break;
      default:
        // Inside a literal (`kernel 6.1-rc3`: the parser reads the glued run as one version) a
        // `-` or `+` is the literal's, not an operator.
        cls = inLiteral ?? (OPERATORS.has(token.kind) ? { type: 'operator', modifiers: [] } : undefined);
    }
    if (!cls || token.end <= token.start) continue;
    const p = lines.position(token.start);
    out.push({
      line: p.line,
      character: p.character,
      length: token.end - token.start,
      type: cls.type,
      modifiers: cls.modifiers,
    });
  }
  return out;
}

function insideScenario(analysis: DocumentAnalysis, offset: number): boolean {
  return analysis.file.scenarios.some((s) => offset >= s.start && offset <= s.end);
}

interface Classes {
  readonly idents: Map<number, Class>;
  readonly numbers: Map<number, { end: number; cls: Class }>;
}

/** The word after `offset` (past spaces and tabs), or undefined. */
function wordAfter(text: string, offset: number): { start: number; text: string } | undefined {
  const match = /^[ \t]*([A-Za-z_]\w*)/.exec(text.slice(offset, offset + 64));
  return match ? { start: offset + match[0].length - match[1]!.length, text: match[1]! } : undefined;
}

/** The words an `expect` read is written with: `read`, and the actor form `reads`. */
const READ_VERB_WORDS = new Set([
  'read',
  ...Object.keys(ACCESS_VERBS).filter((word) => ACCESS_VERBS[word] === 'read'),
]);

function classify(analysis: DocumentAnalysis): Classes {
  const idents = new Map<number, Class>();
  // Words the analysis rejected as extra or unknown (unknown-word) keep no value's color.
  const rejected = new Set(
    analysis.diagnostics.filter((d) => d.code === 'unknown-word').map((d) => d.range.start),
  );
  const numbers = new Map<number, { end: number; cls: Class }>();
  const builtins = new Set(BUILTIN_ACTORS.map((a) => a.name));
  const outcomeWords = new Set([...ERRNO_NAMES, ...VK_RESULT_NAMES, ...EXPECT_WORDS.map((w) => w.name)]);
  const ident = (id: Identifier | undefined, type: TokenType, modifiers: TokenModifier[] = []) => {
    if (id && id.end > id.start) idents.set(id.start, { type, modifiers });
  };
  for (const scenario of analysis.file.scenarios) {
    ident(scenario.keyword, 'keyword');
    const drivers = new Set<string>();
    const actors = new Set(builtins);
    let strategy: string | undefined;
    for (const s of scenario.body) {
      if (s.kind === 'driver' && s.name) drivers.add(s.name.name);
      if (s.kind === 'actor' && s.name) actors.add(s.name.name);
      if (s.kind === 'setting' && s.keyword.name === 'strategy') strategy = s.words[0]?.name ?? strategy;
    }
    // The layer's own actor (`fex` under reserve-high), built in for this scenario.
    const layer = STRATEGY_NAMES.find((n) => n === strategy);
    const builtIn = new Set(builtins);
    for (const a of layer ? layerActors(layer) : []) {
      actors.add(a.name);
      builtIn.add(a.name);
    }
    const isActor = (name: string) => actors.has(name) || drivers.has(name) || name === 'driver';
    const actorClass = (name: string): Class => ({
      type: 'type',
      modifiers: builtIn.has(name) ? ['defaultLibrary'] : [],
    });
    const expression = (e: Expression | Argument | undefined, role: ValueRole, top = true): void => {
      if (!e) return;
      switch (e.kind) {
        case 'string':
          return;
        case 'number': {
          const type: TokenType = e.unit ? 'number' : role === 'address' && top ? 'address' : 'number';
          numbers.set(e.start, { end: e.end, cls: { type, modifiers: [] } });
          return;
        }
        case 'name':
          if (outcomeWords.has(e.name))
            idents.set(e.start, { type: 'enumMember', modifiers: ['defaultLibrary'] });
          else if (isActor(e.name)) idents.set(e.start, actorClass(e.name));
          else idents.set(e.start, { type: 'variable', modifiers: [] });
          return;
        case 'binary':
          expression(e.left, role, false);
          expression(e.right, role, false);
          return;
        case 'paren':
          expression(e.inner, role, top);
          return;
        case 'negate':
          expression(e.operand, role, false);
          return;
      }
    };
    const statement = (s: Statement) => {
      switch (s.kind) {
        case 'setting':
          ident(s.keyword, 'keyword');
          // A word the setting does not take (`strategy none junk`) is not colored as its value.
          for (const w of s.words)
            ident(
              { kind: 'ident', name: w.name, start: w.start, end: w.end },
              rejected.has(w.start) ? 'variable' : 'enumMember',
            );
          for (const a of s.args) expression(a, settingRole(s.keyword.name));
          expression(s.rangeEnd, 'address');
          return;
        case 'driver':
          ident(s.keyword, 'keyword');
          ident(s.name, 'type', ['declaration']);
          for (const t of s.traits) {
            ident(t.keyword, 'property');
            for (const w of t.words)
              ident({ kind: 'ident', name: w.name, start: w.start, end: w.end }, 'enumMember');
            for (const a of t.args) expression(a, 'size');
          }
          return;
        case 'actor':
          ident(s.keyword, 'keyword');
          ident(s.name, 'type', ['declaration']);
          return;
        case 'step': {
          ident(s.binding, 'variable', ['declaration', 'readonly']);
          if (s.actor) ident(s.actor, 'type', actorClass(s.actor.name).modifiers.slice());
          ident(s.verb, 'function');
          for (const w of s.words)
            ident({ kind: 'ident', name: w.name, start: w.start, end: w.end }, 'enumMember');
          for (const o of s.options) {
            ident(o.keyword, 'keyword');
            if (o.keyword.name === 'by' && o.value?.kind === 'name')
              idents.set(o.value.start, actorClass(o.value.name));
            else if (o.keyword.name === 'driver' && o.value?.kind === 'name')
              idents.set(o.value.start, { type: 'type', modifiers: [] });
            else expression(o.value, optionRole(o.keyword.name));
          }
          const roles = stepArgumentRoles(s);
          s.args.forEach((a, i) => expression(a, roles[i] ?? 'value'));
          return;
        }
        case 'expect': {
          ident(s.keyword, 'keyword');
          const e = s.expectation;
          switch (e.form) {
            case 'diagnostic':
              ident(e.code, 'enumMember');
              return;
            case 'mapped':
              expression(e.address, 'address');
              expression(e.length, 'size');
              return;
            case 'read': {
              if (e.actor) idents.set(e.actor.start, actorClass(e.actor.name));
              // `read` / `reads` is the access verb, colored as it is in a step.
              const verb = wordAfter(analysis.text, (e.actor ?? s.keyword).end);
              if (verb && READ_VERB_WORDS.has(verb.text))
                idents.set(verb.start, { type: 'function', modifiers: [] });
              expression(e.address, 'address');
              expression(e.length, 'size');
              expression(e.value, 'value');
              return;
            }
            case 'value':
              expression(e.subject, 'address');
              expression(e.value, 'address');
              return;
          }
        }
      }
    };
    for (const s of scenario.body) statement(s);
  }
  return { idents, numbers };
}

/** The LSP wire encoding: five integers per token, positions relative to the previous token. */
export function encodeSemanticTokens(tokens: readonly SemanticToken[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const t of tokens) {
    const deltaLine = t.line - line;
    data.push(
      deltaLine,
      deltaLine === 0 ? t.character - character : t.character,
      t.length,
      TOKEN_TYPES.indexOf(t.type),
      modifierBits(t.modifiers),
    );
    line = t.line;
    character = t.character;
  }
  return data;
}

function modifierBits(modifiers: readonly TokenModifier[]): number {
  let bits = 0;
  for (const m of modifiers) bits |= 1 << TOKEN_MODIFIERS.indexOf(m);
  return bits;
}
