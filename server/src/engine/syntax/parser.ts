// A recursive-descent parser with line-level error recovery: the language is line oriented, so
// a bad line is reported and skipped and the next line parses normally. It never throws.
import type {
  ActorNode,
  Argument,
  Comment,
  DriverNode,
  ExpectForm,
  ExpectNode,
  Expression,
  FileNode,
  Identifier,
  NumberLiteral,
  Option,
  ScenarioNode,
  SettingNode,
  Statement,
  StepNode,
  StringLiteral,
  SyntaxDiagnostic,
  TraitNode,
  Word,
} from './ast';
import { Lexer } from './lexer';
import { isUnit, parseNumberText } from './number-literal';
import type { Token } from './tokens';
import {
  ACCESS_VERBS,
  SETTING_BY_NAME,
  TRAIT_BY_NAME,
  VERB_BY_NAME,
  verbOptions,
  verbWords,
} from '../language/vocabulary';

const MAX_EXPRESSION_DEPTH = 64;
const EMPTY: readonly never[] = Object.freeze([]);
const UNKNOWN_VERB_OPTIONS: ReadonlySet<string> = new Set(['by']);

export function parse(text: string): FileNode {
  return new Parser(text).parseFile();
}

class Parser {
  private readonly lexer: Lexer;
  /** The token under the cursor, and the few after it that a decision needed to see. */
  private current: Token;
  private readonly ahead: Token[] = [];
  private previous: Token | undefined;
  private readonly errors: SyntaxDiagnostic[] = [];
  private readonly comments: Comment[] = [];
  private depth = 0;
  /**
   * A step's parts are collected here and copied out at their exact length: an array grown by
   * `push` from `[]` keeps room for 17 elements, and the AST lives as long as the document.
   */
  private readonly stepArgs: Argument[] = [];
  private readonly stepWords: Word[] = [];
  private readonly stepOptions: Option[] = [];

  constructor(private readonly text: string) {
    this.lexer = new Lexer(text);
    this.current = this.pull();
  }

  parseFile(): FileNode {
    const scenarios: ScenarioNode[] = [];
    while (!this.at('eof')) {
      if (this.at('newline')) {
        this.advance();
        continue;
      }
      const t = this.peek();
      if (t.kind === 'ident' && t.text === 'scenario') {
        scenarios.push(this.parseScenario());
        continue;
      }
      this.error(
        t,
        t.kind === 'invalid'
          ? this.invalidMessage(t)
          : `expected \`scenario "name" {\`, found ${describe(t)}`,
      );
      this.skipLine();
    }
    return {
      kind: 'file',
      start: 0,
      end: this.text.length,
      scenarios,
      comments: this.comments,
      errors: this.errors,
    };
  }

  private parseScenario(): ScenarioNode {
    const keyword = this.ident();
    let name: StringLiteral | undefined;
    if (this.at('string')) name = this.stringLiteral();
    else this.error(this.peek(), 'expected the scenario\'s name in quotes: `scenario "name" {`');
    let bodyStart: number | undefined;
    if (this.at('lbrace')) bodyStart = this.next().start;
    else {
      this.error(this.peek(), 'expected `{` after the scenario name');
      this.skipLine();
      return {
        kind: 'scenario',
        start: keyword.start,
        end: this.prevEnd(),
        keyword,
        name,
        body: [],
        bodyRange: undefined,
        closed: false,
      };
    }
    const body: Statement[] = [];
    let closed = false;
    while (!this.at('eof')) {
      if (this.at('newline')) {
        this.advance();
        continue;
      }
      if (this.at('rbrace')) {
        this.advance();
        closed = true;
        break;
      }
      const t = this.peek();
      if (t.kind === 'ident' && t.text === 'scenario' && this.isLineStart()) {
        break; // a missing `}`: the next scenario starts here
      }
      const statement = this.parseStatement();
      if (statement) body.push(statement);
      this.endOfLine();
    }
    if (!closed)
      this.error({ start: keyword.start, end: (name ?? keyword).end }, 'this scenario has no closing `}`');
    const end = this.prevEnd();
    return {
      kind: 'scenario',
      start: keyword.start,
      end,
      keyword,
      name,
      body,
      bodyRange: { start: bodyStart, end },
      closed,
    };
  }

  private parseStatement(): Statement | undefined {
    const t = this.peek();
    if (t.kind !== 'ident') {
      this.error(
        t,
        t.kind === 'invalid'
          ? this.invalidMessage(t)
          : `expected a step, a setting, \`driver\` or \`expect\`, found ${describe(t)}`,
      );
      this.skipLine();
      return undefined;
    }
    if (t.text === 'driver' && (this.peekAt(1).kind === 'ident' || this.peekAt(1).kind === 'lbrace'))
      return this.parseDriver();
    if (t.text === 'actor') return this.parseActor();
    if (t.text === 'expect') return this.parseExpect();
    if (SETTING_BY_NAME.has(t.text) && this.peekAt(1).kind !== 'assign') return this.parseSetting();
    return this.parseStep();
  }

  private parseSetting(): SettingNode {
    const keyword = this.ident();
    const args: Argument[] = [];
    const words: Word[] = [];
    let rangeEnd: Expression | undefined;
    const spec = SETTING_BY_NAME.get(keyword.name);
    while (!this.atLineEnd()) {
      const t = this.peek();
      if (t.kind === 'dotdot') {
        this.advance();
        rangeEnd = this.parseExpression();
        if (!rangeEnd) this.error(this.peek(), 'expected the end of the range after `..`');
        continue;
      }
      if (t.kind === 'number' && spec?.args === 'version') {
        // `kernel 5.15` is a version, not a fractional byte count: keep the text, no value.
        this.advance();
        args.push({
          kind: 'number',
          text: t.text,
          value: undefined,
          unit: undefined,
          error: undefined,
          start: t.start,
          end: t.end,
        });
        continue;
      }
      if (t.kind === 'ident' && (spec?.args === 'word' || !isUnit(t.text))) {
        if (spec?.args === 'word' || spec?.args === 'none') {
          this.advance();
          words.push({ kind: 'word', name: t.text, start: t.start, end: t.end });
          continue;
        }
      }
      const arg = this.parseArgument();
      if (arg) args.push(arg);
      else this.skipToken();
    }
    return {
      kind: 'setting',
      start: keyword.start,
      end: this.prevEnd(),
      keyword,
      args: exact(args),
      words: exact(words),
      rangeEnd,
    };
  }

  private parseDriver(): DriverNode {
    const keyword = this.ident();
    const name = this.at('ident') ? this.ident() : undefined;
    if (!name) this.error(this.peek(), "expected the driver's name: `driver mesa {`");
    const traits: TraitNode[] = [];
    let closed = false;
    if (!this.at('lbrace')) {
      if (!this.atLineEnd()) this.error(this.peek(), "expected `{` to start the driver's traits");
      return {
        kind: 'driver',
        start: keyword.start,
        end: this.prevEnd(),
        keyword,
        name,
        traits,
        closed: true,
      };
    }
    this.advance();
    while (!this.at('eof')) {
      if (this.at('newline')) {
        this.advance();
        continue;
      }
      if (this.at('rbrace')) {
        this.advance();
        closed = true;
        break;
      }
      const t = this.peek();
      if (
        t.kind === 'ident' &&
        (t.text === 'scenario' || t.text === 'expect' || VERB_BY_NAME.has(t.text)) &&
        this.isLineStart()
      )
        break;
      if (t.kind !== 'ident') {
        this.error(t, `expected a driver trait (e.g. \`maps at-alloc\`), found ${describe(t)}`);
        this.skipLineOrBrace();
        continue;
      }
      traits.push(this.parseTrait());
      if (!this.at('rbrace')) this.endOfLine();
    }
    if (!closed) this.error(keyword, 'this driver block has no closing `}`');
    return { kind: 'driver', start: keyword.start, end: this.prevEnd(), keyword, name, traits, closed };
  }

  private parseTrait(): TraitNode {
    const keyword = this.ident();
    const spec = TRAIT_BY_NAME.get(keyword.name);
    const args: Argument[] = [];
    const words: Word[] = [];
    while (!this.atLineEnd()) {
      const t = this.peek();
      if (t.kind === 'ident' && spec?.args !== 'expr' && !isUnit(t.text)) {
        this.advance();
        words.push({ kind: 'word', name: t.text, start: t.start, end: t.end });
        continue;
      }
      const arg = this.parseArgument();
      if (arg) args.push(arg);
      else this.skipToken();
    }
    return {
      kind: 'trait',
      start: keyword.start,
      end: this.prevEnd(),
      keyword,
      args: exact(args),
      words: exact(words),
    };
  }

  private parseActor(): ActorNode {
    const keyword = this.ident();
    const name = this.at('ident') ? this.ident() : undefined;
    if (!name) this.error(this.peek(), "expected the actor's name: `actor fex`");
    return { kind: 'actor', start: keyword.start, end: this.prevEnd(), keyword, name };
  }

  private parseStep(): StepNode {
    const first = this.peek();
    let binding: Identifier | undefined;
    let actor: Identifier | undefined;
    if (this.peekAt(1).kind === 'assign') {
      binding = this.ident();
      this.advance();
    }
    if (
      this.at('ident') &&
      this.peekAt(1).kind === 'ident' &&
      ACCESS_VERBS[this.peekAt(1).text] !== undefined
    ) {
      actor = this.ident();
    }
    if (!this.at('ident')) {
      const t = this.peek();
      this.error(
        t,
        binding
          ? `expected a command after \`${binding.name} =\``
          : `expected a command, found ${describe(t)}`,
      );
      const verb: Identifier = { kind: 'ident', name: '', start: t.start, end: t.start };
      this.skipLine();
      return this.step(first.start, binding, actor, verb, EMPTY, EMPTY, EMPTY);
    }
    const verb = this.ident();
    const spec = VERB_BY_NAME.get(ACCESS_VERBS[verb.name] ?? verb.name);
    const flagWords = spec ? verbWords(spec) : undefined;
    const optionNames = spec ? verbOptions(spec) : UNKNOWN_VERB_OPTIONS;
    const args = this.stepArgs;
    const words = this.stepWords;
    const options = this.stepOptions;
    args.length = 0;
    words.length = 0;
    options.length = 0;
    while (!this.atLineEnd()) {
      const t = this.peek();
      if (t.kind === 'comma' || t.kind === 'pipe') {
        this.advance();
        continue;
      }
      if (t.kind === 'ident' && optionNames.has(t.text)) {
        const keyword = this.ident();
        let value: Expression | StringLiteral | undefined;
        if (this.at('string')) value = this.stringLiteral();
        else if (!this.atLineEnd() && !this.at('comma')) value = this.parseExpression();
        if (!value) this.error(keyword, `\`${keyword.name}\` needs a value`);
        options.push({ kind: 'option', start: keyword.start, end: this.prevEnd(), keyword, value });
        continue;
      }
      if (t.kind === 'ident' && (flagWords === undefined ? true : flagWords.has(t.text))) {
        this.advance();
        words.push({ kind: 'word', name: t.text, start: t.start, end: t.end });
        continue;
      }
      const arg = this.parseArgument();
      if (arg) args.push(arg);
      else this.skipToken();
    }
    return this.step(first.start, binding, actor, verb, exact(args), exact(words), exact(options));
  }

  private step(
    start: number,
    binding: Identifier | undefined,
    actor: Identifier | undefined,
    verb: Identifier,
    args: readonly Argument[],
    words: readonly Word[],
    options: readonly Option[],
  ): StepNode {
    const end = Math.max(this.prevEnd(), verb.end);
    return {
      kind: 'step',
      start,
      end,
      binding,
      actor,
      verb,
      args,
      words,
      options,
      text: this.text.slice(start, end),
    };
  }

  private parseExpect(): ExpectNode {
    const keyword = this.ident();
    const t = this.peek();
    let expectation: ExpectForm;
    if (t.kind === 'ident' && t.text === 'diagnostic') {
      this.advance();
      const code = this.at('ident') ? this.ident() : undefined;
      if (!code)
        this.error(this.peek(), 'expected a diagnostic code, e.g. `expect diagnostic stale-pointer`');
      expectation = { form: 'diagnostic', code };
    } else if (
      t.kind === 'ident' &&
      (t.text === 'mapped' || t.text === 'unmapped') &&
      this.peekAt(1).kind !== 'eq' &&
      this.peekAt(1).kind !== 'neq'
    ) {
      this.advance();
      const address = this.parseExpression();
      if (!address) this.error(this.peek(), `expected an address after \`${t.text}\``);
      if (this.at('comma')) this.advance();
      const length = this.atLineEnd() ? undefined : this.parseExpression();
      expectation = { form: 'mapped', negated: t.text === 'unmapped', address, length };
    } else if (
      t.kind === 'ident' &&
      (t.text === 'read' || (this.peekAt(1).kind === 'ident' && this.peekAt(1).text === 'reads'))
    ) {
      const actor = t.text === 'read' ? undefined : this.ident();
      this.advance(); // `read` / `reads`
      const address = this.parseExpression();
      if (!address) this.error(this.peek(), 'expected the address to read');
      if (this.at('comma')) this.advance();
      const length = this.at('eq') || this.at('neq') ? undefined : this.parseExpression();
      if (!length)
        this.error(this.peek(), 'expected the number of bytes to read: `expect read a, 1 == 0xAB`');
      const { op, value } = this.comparison();
      expectation = { form: 'read', actor, address, length, op, value };
    } else {
      const subject = this.parseExpression();
      if (!subject)
        this.error(
          this.peek(),
          'expected what to check: `expect a == 0x1000`, `expect read a, 1 == 0xAB`, `expect mapped a`, `expect diagnostic CODE`',
        );
      const { op, value } = this.comparison();
      expectation = { form: 'value', subject, op, value };
    }
    return { kind: 'expect', start: keyword.start, end: this.prevEnd(), keyword, expectation };
  }

  private comparison(): { op: '==' | '!='; value: Argument | undefined } {
    if (!this.at('eq') && !this.at('neq')) {
      if (!this.atLineEnd())
        this.error(this.peek(), `expected \`==\` or \`!=\`, found ${describe(this.peek())}`);
      else this.error(this.peek(), 'expected `==` or `!=` and the expected value');
      return { op: '==', value: undefined };
    }
    const op = this.next().kind === 'eq' ? '==' : '!=';
    const value = this.parseArgument();
    if (!value) this.error(this.peek(), 'expected the expected value after `' + op + '`');
    return { op, value };
  }

  private parseArgument(): Argument | undefined {
    if (this.at('string')) return this.stringLiteral();
    return this.parseExpression();
  }

  parseExpression(): Expression | undefined {
    if (this.depth > MAX_EXPRESSION_DEPTH) {
      this.error(this.peek(), 'expression nested too deeply');
      return undefined;
    }
    this.depth++;
    try {
      return this.parseAdditive();
    } finally {
      this.depth--;
    }
  }

  private parseAdditive(): Expression | undefined {
    let left = this.parseMultiplicative();
    if (!left) return undefined;
    while (this.at('plus') || this.at('minus')) {
      const op = this.next().kind === 'plus' ? '+' : '-';
      const right = this.parseMultiplicative();
      if (!right) this.error(this.peek(), `expected a value after \`${op}\``);
      left = { kind: 'binary', op, left, right, start: left.start, end: right ? right.end : this.prevEnd() };
    }
    return left;
  }

  private parseMultiplicative(): Expression | undefined {
    let left = this.parseUnary();
    if (!left) return undefined;
    while (this.at('star')) {
      this.advance();
      const right = this.parseUnary();
      if (!right) this.error(this.peek(), 'expected a value after `*`');
      left = {
        kind: 'binary',
        op: '*',
        left,
        right,
        start: left.start,
        end: right ? right.end : this.prevEnd(),
      };
    }
    return left;
  }

  private parseUnary(): Expression | undefined {
    if (this.at('minus')) {
      const minus = this.next();
      const operand = this.parseUnary();
      if (!operand) this.error(this.peek(), 'expected a value after `-`');
      return { kind: 'negate', operand, start: minus.start, end: operand ? operand.end : minus.end };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expression | undefined {
    const t = this.peek();
    if (t.kind === 'number') {
      this.advance();
      let unit: string | undefined;
      let end = t.end;
      const after = this.peek();
      if (after.kind === 'ident' && isUnit(after.text) && after.start > t.end) {
        unit = after.text;
        end = after.end;
        this.advance();
      }
      const parsed = parseNumberText(t.text, unit);
      const literal: NumberLiteral = {
        kind: 'number',
        text: this.text.slice(t.start, end),
        value: parsed.value,
        unit: parsed.unit,
        error: parsed.error,
        start: t.start,
        end,
      };
      if (parsed.error) this.error(literal, parsed.error);
      return literal;
    }
    if (t.kind === 'ident') {
      this.advance();
      return { kind: 'name', name: t.text, start: t.start, end: t.end };
    }
    if (t.kind === 'lparen') {
      this.advance();
      const inner = this.parseExpression();
      if (!inner) this.error(this.peek(), 'expected a value inside `( )`');
      if (this.at('rparen')) this.advance();
      else this.error(this.peek(), 'expected `)`');
      return { kind: 'paren', inner, start: t.start, end: this.prevEnd() };
    }
    return undefined;
  }

  // ---- token helpers ----

  /** The next token that is not a comment (comments are set aside as they come). */
  private pull(): Token {
    for (;;) {
      const t = this.lexer.next();
      if (t.kind !== 'comment') return t;
      this.comments.push({ start: t.start, end: t.end, text: t.text });
    }
  }

  private peek(): Token {
    return this.current;
  }

  private peekAt(ahead: number): Token {
    if (ahead === 0) return this.current;
    while (this.ahead.length < ahead) {
      const last = this.ahead[this.ahead.length - 1] ?? this.current;
      if (last.kind === 'eof') return last;
      this.ahead.push(this.pull());
    }
    return this.ahead[ahead - 1]!;
  }

  private at(kind: Token['kind']): boolean {
    return this.current.kind === kind;
  }

  private advance(): void {
    if (this.current.kind === 'eof') return;
    this.previous = this.current;
    this.current = this.ahead.length > 0 ? this.ahead.shift()! : this.pull();
  }

  private next(): Token {
    const t = this.current;
    this.advance();
    return t;
  }

  private prevEnd(): number {
    return this.previous?.end ?? 0;
  }

  private atLineEnd(): boolean {
    const k = this.peek().kind;
    return k === 'newline' || k === 'eof' || k === 'rbrace';
  }

  private isLineStart(): boolean {
    const kind = this.previous?.kind;
    return kind === undefined || kind === 'newline' || kind === 'lbrace';
  }

  private ident(): Identifier {
    const t = this.next();
    return { kind: 'ident', name: t.text, start: t.start, end: t.end };
  }

  private stringLiteral(): StringLiteral {
    const t = this.next();
    const body = t.text.slice(1, -1).replace(/\\(.)/g, '$1');
    return { kind: 'string', value: body, start: t.start, end: t.end };
  }

  private skipToken(): void {
    const t = this.next();
    this.error(t, t.kind === 'invalid' ? this.invalidMessage(t) : `unexpected ${describe(t)}`);
  }

  private skipLine(): void {
    while (!this.at('newline') && !this.at('eof')) this.advance();
  }

  private skipLineOrBrace(): void {
    while (!this.atLineEnd()) this.advance();
  }

  /** After a statement: anything left before the newline is an error; a `}` may close the block. */
  private endOfLine(): void {
    if (this.at('newline') || this.at('eof') || this.at('rbrace')) return;
    const t = this.peek();
    this.error(t, `unexpected ${describe(t)} at the end of the line`);
    this.skipLine();
  }

  private invalidMessage(t: Token): string {
    if (t.text.startsWith('"')) return 'this string has no closing `"`';
    return `unexpected character \`${t.text}\``;
  }

  private error(range: { start: number; end: number }, message: string): void {
    const last = this.errors[this.errors.length - 1];
    // One error per position is enough: recovery may revisit the same token.
    if (last && last.start === range.start && last.message === message) return;
    this.errors.push({ start: range.start, end: Math.max(range.end, range.start), message });
  }
}

/** The items at their exact length; most lists are empty, and those share one frozen array. */
function exact<T>(items: readonly T[]): readonly T[] {
  return items.length === 0 ? EMPTY : items.slice();
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'newline':
      return 'the end of the line';
    case 'string':
      return `the string ${t.text}`;
    default:
      return `\`${t.text}\``;
  }
}
