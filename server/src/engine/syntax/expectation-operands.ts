// The values an expectation is written with, in source order: what the walkers over a scenario's
// expressions (name uses, the formatter's unary minus) visit in an `expect` line.
import type { Argument, ExpectForm } from './ast';

export function expectationOperands(e: ExpectForm): (Argument | undefined)[] {
  switch (e.form) {
    case 'value':
      return [e.subject, e.value];
    case 'read':
      return [e.address, e.length, e.value];
    case 'mapped':
      return [e.address, e.length];
    case 'diagnostic':
      return [];
  }
}
