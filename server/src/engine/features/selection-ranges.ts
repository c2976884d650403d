// Selection ranges (expand selection): token → sub-expressions → argument → statement → block →
// scenario → file, innermost first.
import type { DocumentAnalysis } from '../analysis';
import type { Argument, Expression, Statement } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import { contains, expressionChain, statementAt } from './locate';

export function selectionRanges(analysis: DocumentAnalysis, offset: number): TextRange[] {
  const ranges: TextRange[] = [];
  const push = (r: TextRange | undefined) => {
    if (!r) return;
    const last = ranges[ranges.length - 1];
    if (last && last.start === r.start && last.end === r.end) return;
    ranges.push({ start: r.start, end: r.end });
  };
  // Built outermost first, reversed at the end.
  push({ start: 0, end: analysis.text.length });
  const scenario = analysis.file.scenarios.find((s) => contains(s, offset));
  if (scenario) {
    push(scenario);
    if (scenario.bodyRange && contains(scenario.bodyRange, offset)) push(scenario.bodyRange);
    const statement = statementAt(scenario, offset);
    if (statement) {
      push(statement);
      for (const r of innerRanges(statement, offset)) push(r);
    }
  }
  return ranges.reverse();
}

function innerRanges(statement: Statement, offset: number): TextRange[] {
  const out: TextRange[] = [];
  const expression = (e: Expression | Argument | undefined) => {
    if (!e || !contains(e, offset)) return false;
    if (e.kind === 'string') out.push(e);
    else out.push(...expressionChain(e, offset));
    return true;
  };
  switch (statement.kind) {
    case 'step': {
      for (const id of [statement.binding, statement.actor, statement.verb])
        if (id && contains(id, offset)) return [id];
      for (const w of statement.words) if (contains(w, offset)) return [w];
      for (const o of statement.options) {
        if (!contains(o, offset)) continue;
        out.push(o);
        if (contains(o.keyword, offset)) out.push(o.keyword);
        else expression(o.value);
        return out;
      }
      for (const a of statement.args) if (expression(a)) return out;
      return out;
    }
    case 'setting':
      if (contains(statement.keyword, offset)) return [statement.keyword];
      for (const w of statement.words) if (contains(w, offset)) return [w];
      for (const a of statement.args) if (expression(a)) return out;
      expression(statement.rangeEnd);
      return out;
    case 'driver':
      for (const t of statement.traits) {
        if (!contains(t, offset)) continue;
        out.push(t);
        if (contains(t.keyword, offset)) out.push(t.keyword);
        for (const w of t.words) if (contains(w, offset)) out.push(w);
        for (const a of t.args) expression(a);
        return out;
      }
      if (statement.name && contains(statement.name, offset)) out.push(statement.name);
      return out;
    case 'actor':
      if (statement.name && contains(statement.name, offset)) out.push(statement.name);
      return out;
    case 'expect': {
      const e = statement.expectation;
      if (contains(statement.keyword, offset)) return [statement.keyword];
      switch (e.form) {
        case 'diagnostic':
          if (e.code && contains(e.code, offset)) out.push(e.code);
          break;
        case 'mapped':
          if (!expression(e.address)) expression(e.length);
          break;
        case 'read':
          if (e.actor && contains(e.actor, offset)) out.push(e.actor);
          else if (!expression(e.address) && !expression(e.length)) expression(e.value);
          break;
        case 'value':
          if (!expression(e.subject)) expression(e.value);
          break;
      }
      return out;
    }
  }
}
