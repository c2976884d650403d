// What is under the cursor: the scenario, the statement, and the innermost thing a feature can
// talk about (a number or address expression, a name, a verb, a word, a keyword). Every
// offset-based feature (hover, navigation, completion, selection ranges) starts here.
import { isBlank } from '../syntax/source-nodes';
import type { DocumentAnalysis, ScenarioAnalysis } from '../analysis';
import { scenarioAt } from '../analysis';
import type {
  Argument,
  DriverNode,
  ExpectNode,
  Expression,
  Identifier,
  Option,
  ScenarioNode,
  SettingNode,
  Statement,
  StepNode,
  TraitNode,
  Word,
} from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import { canonicalVerb, VERB_BY_NAME } from '../language/vocabulary';

/** What a number stands for where it is written: decides hover wording and semantic tokens. */
export type ValueRole = 'address' | 'size' | 'value' | 'version' | 'wine-version';

export type Target =
  /** A number or an address expression; `outer` is the whole argument, `focus` the innermost part at the cursor. */
  | {
      readonly kind: 'expression';
      readonly outer: Expression;
      readonly focus: Expression;
      readonly role: ValueRole;
    }
  /** A name: a binding, a reference, an actor, a driver. */
  | { readonly kind: 'name'; readonly name: string; readonly range: TextRange; readonly role: NameRole }
  | { readonly kind: 'verb'; readonly step: StepNode }
  | { readonly kind: 'word'; readonly word: Word; readonly owner: StepNode | SettingNode | TraitNode }
  | { readonly kind: 'setting'; readonly setting: SettingNode }
  | { readonly kind: 'trait'; readonly trait: TraitNode; readonly driver: DriverNode }
  | { readonly kind: 'option'; readonly option: Option; readonly step: StepNode }
  | { readonly kind: 'keyword'; readonly keyword: Identifier; readonly statement: Statement | ScenarioNode }
  | { readonly kind: 'rule-code'; readonly code: Identifier; readonly expect: ExpectNode };

export type NameRole = 'binding' | 'reference' | 'actor' | 'driver' | 'expect-word';

export interface Located {
  readonly scenario: ScenarioAnalysis | undefined;
  readonly statement: Statement | undefined;
  readonly target: Target | undefined;
}

export function contains(range: TextRange, offset: number): boolean {
  return offset >= range.start && offset <= range.end;
}

/** The statement of a scenario containing the offset (binary search: bodies are in source order). */
export function statementAt(scenario: ScenarioNode, offset: number): Statement | undefined {
  const body = scenario.body;
  let lo = 0;
  let hi = body.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = body[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset > s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}

export function locate(analysis: DocumentAnalysis, offset: number): Located {
  const scenario = scenarioAt(analysis, offset);
  if (!scenario || offset < scenario.node.start || offset > scenario.node.end) {
    return { scenario: undefined, statement: undefined, target: undefined };
  }
  const node = scenario.node;
  if (contains(node.keyword, offset))
    return {
      scenario,
      statement: undefined,
      target: { kind: 'keyword', keyword: node.keyword, statement: node },
    };
  const statement = statementAt(node, offset);
  let target = statement ? targetIn(statement, offset) : undefined;
  // The form words of an expectation (`read`, `mapped`, `diagnostic`…) are not nodes: on one,
  // the target is the expectation itself, spanning that word.
  if (!target && statement?.kind === 'expect') target = expectFormWord(analysis.text, statement, offset);
  return { scenario, statement, target };
}

const EXPECT_FORM_WORDS = new Set(['read', 'reads', 'mapped', 'unmapped', 'diagnostic']);

function expectFormWord(text: string, node: ExpectNode, offset: number): Target | undefined {
  let start = offset;
  let end = offset;
  while (start > node.start && /[a-z]/.test(text[start - 1]!)) start--;
  while (end < node.end && /[a-z]/.test(text[end]!)) end++;
  if (!EXPECT_FORM_WORDS.has(text.slice(start, end))) return undefined;
  return { kind: 'keyword', keyword: { kind: 'ident', name: 'expect', start, end }, statement: node };
}

function targetIn(statement: Statement, offset: number): Target | undefined {
  switch (statement.kind) {
    case 'step':
      return stepTarget(statement, offset);
    case 'setting': {
      if (contains(statement.keyword, offset)) return { kind: 'setting', setting: statement };
      for (const w of statement.words)
        if (contains(w, offset)) return { kind: 'word', word: w, owner: statement };
      const role: ValueRole = settingRole(statement.keyword.name);
      for (const a of statement.args) {
        const t = argumentTarget(a, offset, role);
        if (t) return t;
      }
      if (statement.rangeEnd) return expressionTarget(statement.rangeEnd, offset, 'address');
      return undefined;
    }
    case 'driver': {
      if (contains(statement.keyword, offset))
        return { kind: 'keyword', keyword: statement.keyword, statement };
      if (statement.name && contains(statement.name, offset))
        return { kind: 'name', name: statement.name.name, range: statement.name, role: 'driver' };
      for (const trait of statement.traits) {
        if (!contains(trait, offset)) continue;
        if (contains(trait.keyword, offset)) return { kind: 'trait', trait, driver: statement };
        for (const w of trait.words) if (contains(w, offset)) return { kind: 'word', word: w, owner: trait };
        for (const a of trait.args) {
          const t = argumentTarget(a, offset, 'size');
          if (t) return t;
        }
      }
      return undefined;
    }
    case 'actor':
      if (statement.name && contains(statement.name, offset))
        return { kind: 'name', name: statement.name.name, range: statement.name, role: 'actor' };
      return { kind: 'keyword', keyword: statement.keyword, statement };
    case 'expect':
      return expectTarget(statement, offset);
  }
}

/** The role of each positional argument of a verb, from the vocabulary's argument names. */
export function argumentRole(argName: string | undefined): ValueRole {
  if (!argName) return 'value';
  if (/address/.test(argName)) return 'address';
  if (/size|length/.test(argName)) return 'size';
  return 'value';
}

export function optionRole(keyword: string): ValueRole {
  if (keyword === 'at') return 'address';
  if (keyword === 'offset' || keyword === 'size') return 'size';
  return 'value';
}

export function settingRole(keyword: string): ValueRole {
  if (keyword === 'kernel') return 'version';
  if (keyword === 'wine') return 'wine-version';
  if (
    keyword === 'window' ||
    keyword === 'mmap-base' ||
    keyword === 'task-size' ||
    keyword === 'mmap-min-addr'
  )
    return 'address';
  return 'size';
}

export function stepArgumentRoles(step: StepNode): ValueRole[] {
  const spec = VERB_BY_NAME.get(canonicalVerb(step.verb.name));
  const exprArgs = spec?.args.filter((a) => a.kind !== 'string') ?? [];
  const roles: ValueRole[] = [];
  let k = 0;
  for (const a of step.args) {
    if (a.kind === 'string') {
      roles.push('value');
      continue;
    }
    const argSpec = exprArgs[k++];
    roles.push(argSpec?.kind === 'memory' ? 'value' : argumentRole(argSpec?.name));
  }
  return roles;
}

function stepTarget(step: StepNode, offset: number): Target | undefined {
  if (step.binding && contains(step.binding, offset))
    return { kind: 'name', name: step.binding.name, range: step.binding, role: 'binding' };
  if (step.actor && contains(step.actor, offset))
    return { kind: 'name', name: step.actor.name, range: step.actor, role: 'actor' };
  if (contains(step.verb, offset) && step.verb.end > step.verb.start) return { kind: 'verb', step };
  for (const w of step.words) if (contains(w, offset)) return { kind: 'word', word: w, owner: step };
  for (const o of step.options) {
    if (!contains(o, offset)) continue;
    if (contains(o.keyword, offset)) return { kind: 'option', option: o, step };
    if (o.value && o.value.kind !== 'string') {
      if (o.keyword.name === 'by' && o.value.kind === 'name')
        return { kind: 'name', name: o.value.name, range: o.value, role: 'actor' };
      return expressionTarget(o.value, offset, optionRole(o.keyword.name));
    }
  }
  const roles = stepArgumentRoles(step);
  for (let i = 0; i < step.args.length; i++) {
    const t = argumentTarget(step.args[i]!, offset, roles[i] ?? 'value');
    if (t) return t;
  }
  return undefined;
}

function expectTarget(node: ExpectNode, offset: number): Target | undefined {
  if (contains(node.keyword, offset)) return { kind: 'keyword', keyword: node.keyword, statement: node };
  const e = node.expectation;
  switch (e.form) {
    case 'diagnostic':
      return e.code && contains(e.code, offset)
        ? { kind: 'rule-code', code: e.code, expect: node }
        : undefined;
    case 'mapped':
      return (
        (e.address && expressionTarget(e.address, offset, 'address')) ||
        (e.length && expressionTarget(e.length, offset, 'size')) ||
        undefined
      );
    case 'read':
      if (e.actor && contains(e.actor, offset))
        return { kind: 'name', name: e.actor.name, range: e.actor, role: 'actor' };
      return (
        (e.address && expressionTarget(e.address, offset, 'address')) ||
        (e.length && expressionTarget(e.length, offset, 'size')) ||
        (e.value && argumentTarget(e.value, offset, 'value')) ||
        undefined
      );
    case 'value':
      return (
        (e.subject && expressionTarget(e.subject, offset, 'address')) ||
        (e.value && argumentTarget(e.value, offset, 'address')) ||
        undefined
      );
  }
}

function argumentTarget(argument: Argument, offset: number, role: ValueRole): Target | undefined {
  if (argument.kind === 'string') return undefined;
  return expressionTarget(argument, offset, role);
}

function expressionTarget(outer: Expression, offset: number, role: ValueRole): Target | undefined {
  if (!contains(outer, offset)) return undefined;
  const focus = innermost(outer, offset);
  if (focus.kind === 'name' && outer === focus)
    return { kind: 'name', name: focus.name, range: focus, role: 'reference' };
  return { kind: 'expression', outer, focus, role };
}

/** The innermost sub-expression containing the offset. */
export function innermost(expression: Expression, offset: number): Expression {
  switch (expression.kind) {
    case 'binary':
      if (contains(expression.left, offset)) return innermost(expression.left, offset);
      if (expression.right && contains(expression.right, offset)) return innermost(expression.right, offset);
      return expression;
    case 'paren':
      return expression.inner && contains(expression.inner, offset)
        ? innermost(expression.inner, offset)
        : expression;
    case 'negate':
      return expression.operand && contains(expression.operand, offset)
        ? innermost(expression.operand, offset)
        : expression;
    default:
      return expression;
  }
}

/** Sub-expressions from the outermost down to the innermost containing the offset (selection ranges). */
export function expressionChain(expression: Expression, offset: number): Expression[] {
  const chain: Expression[] = [expression];
  let current = expression;
  for (;;) {
    const next = innermostStep(current, offset);
    if (!next) return chain;
    chain.push(next);
    current = next;
  }
}

function innermostStep(expression: Expression, offset: number): Expression | undefined {
  switch (expression.kind) {
    case 'binary':
      if (contains(expression.left, offset)) return expression.left;
      if (expression.right && contains(expression.right, offset)) return expression.right;
      return undefined;
    case 'paren':
      return expression.inner && contains(expression.inner, offset) ? expression.inner : undefined;
    case 'negate':
      return expression.operand && contains(expression.operand, offset) ? expression.operand : undefined;
    default:
      return undefined;
  }
}

/**
 * The step the state at an offset belongs to: the last step at or before it (-1: none yet). With
 * the text, an offset in a line's leading indentation counts as the line's first character: a
 * cursor at column 0 of a step's line (where a jump to the line puts it) is on that step.
 */
export function stepIndexAt(scenario: ScenarioAnalysis, offset: number, text?: string): number {
  if (text !== undefined) offset = pastIndentation(text, offset);
  const records = scenario.run.simulation.records;
  let lo = 0;
  let hi = records.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid]!.node.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** `offset` moved past the blanks that follow it when only blanks lie between it and the line start. */
function pastIndentation(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && isBlank(text.charCodeAt(start - 1))) start--;
  if (start > 0 && text.charCodeAt(start - 1) !== 10 /* \n */) return offset;
  let end = offset;
  while (end < text.length && isBlank(text.charCodeAt(end))) end++;
  return end;
}
