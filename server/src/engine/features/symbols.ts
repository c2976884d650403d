// The outline: scenario → settings, drivers, steps (with the names they bind) and expectations.
// Built from the syntax tree alone, so it works for files too large to simulate.
import type { DocumentAnalysis } from '../analysis';
import type { ScenarioNode, Statement } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';

export type OutlineKind = 'scenario' | 'setting' | 'driver' | 'trait' | 'actor' | 'step' | 'name' | 'expect';

export interface OutlineSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: OutlineKind;
  /** The whole construct. */
  readonly range: TextRange;
  /** The part to reveal and select (its name or keyword). */
  readonly selectionRange: TextRange;
  readonly children: readonly OutlineSymbol[];
}

export function documentSymbols(analysis: DocumentAnalysis): OutlineSymbol[] {
  return analysis.file.scenarios.map((s) => scenarioSymbol(s, analysis.text));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function scenarioSymbol(node: ScenarioNode, text: string): OutlineSymbol {
  const children: OutlineSymbol[] = [];
  let stepNumber = 0;
  for (const statement of node.body) {
    const child = statementSymbol(statement, text, statement.kind === 'step' ? ++stepNumber : 0);
    if (child) children.push(child);
  }
  return {
    name: node.name?.value || '(unnamed scenario)',
    detail: `${stepNumber} step${stepNumber === 1 ? '' : 's'}`,
    kind: 'scenario',
    range: { start: node.start, end: node.end },
    selectionRange: node.name ?? node.keyword,
    children,
  };
}

function statementSymbol(statement: Statement, text: string, stepNumber: number): OutlineSymbol | undefined {
  const range = { start: statement.start, end: statement.end };
  switch (statement.kind) {
    case 'setting':
      return {
        name: statement.keyword.name,
        detail: oneLine(text.slice(statement.keyword.end, statement.end)),
        kind: 'setting',
        range,
        selectionRange: statement.keyword,
        children: [],
      };
    case 'driver':
      return {
        name: statement.name?.name ?? 'driver',
        detail: 'driver',
        kind: 'driver',
        range,
        selectionRange: statement.name ?? statement.keyword,
        children: statement.traits.map((t) => ({
          name: t.keyword.name,
          detail: oneLine(text.slice(t.keyword.end, t.end)),
          kind: 'trait' as const,
          range: { start: t.start, end: t.end },
          selectionRange: t.keyword,
          children: [],
        })),
      };
    case 'actor':
      return {
        name: statement.name?.name ?? 'actor',
        detail: 'actor',
        kind: 'actor',
        range,
        selectionRange: statement.name ?? statement.keyword,
        children: [],
      };
    case 'step': {
      const call = oneLine(text.slice(statement.actor?.start ?? statement.verb.start, statement.end));
      if (statement.binding) {
        return {
          name: statement.binding.name,
          detail: `step ${stepNumber}: ${call}`,
          kind: 'name',
          range,
          selectionRange: statement.binding,
          children: [],
        };
      }
      return {
        name: call || '(step)',
        detail: `step ${stepNumber}`,
        kind: 'step',
        range,
        selectionRange: statement.verb.end > statement.verb.start ? statement.verb : range,
        children: [],
      };
    }
    case 'expect':
      return {
        name: oneLine(text.slice(statement.start, statement.end)),
        detail: 'expectation',
        kind: 'expect',
        range,
        selectionRange: statement.keyword,
        children: [],
      };
  }
}

export interface WorkspaceSymbol {
  readonly name: string;
  readonly kind: OutlineKind;
  readonly containerName: string | undefined;
  readonly range: TextRange;
}

/** Scenarios, drivers and bound names whose name contains the query's characters in order. */
export function workspaceSymbols(analysis: DocumentAnalysis, query: string, limit = 500): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  const visit = (symbols: readonly OutlineSymbol[], container: string | undefined) => {
    for (const s of symbols) {
      if (out.length >= limit) return;
      if (
        (s.kind === 'scenario' || s.kind === 'driver' || s.kind === 'name' || s.kind === 'actor') &&
        fuzzyMatch(query, s.name)
      ) {
        out.push({ name: s.name, kind: s.kind, containerName: container, range: s.selectionRange });
      }
      if (s.kind === 'scenario' || s.kind === 'driver') visit(s.children, s.name);
    }
  };
  visit(documentSymbols(analysis), undefined);
  return out;
}

export function fuzzyMatch(query: string, name: string): boolean {
  if (!query) return true;
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let k = 0;
  for (let i = 0; i < n.length && k < q.length; i++) if (n[i] === q[k]) k++;
  return k === q.length;
}
