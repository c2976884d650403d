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
import { Lexer, textOf } from './lexer';
import { commonNumberValue, isUnit, parseNumberAt, unitAt } from './number-literal';
import { binaryNode, EMPTY, identifierNode, nameNode, wordNode } from './compact-nodes';
import { sourceNumber, sourceStep, sourceStepWithExtras, type SourceText } from './source-nodes';
import { forgetLongWordTexts, wordText } from './word-texts';
import { registerWord, StepWordsBuilder, type HeldWords } from './packed-words';
import { WordTable } from './word-table';
import { stringLiteral } from './string-literal';
import type { Token, TokenKind } from './tokens';
import {
  ACCESS_VERBS,
  VERB_ALIASES,
  SETTING_BY_NAME,
  TRAIT_BY_NAME,
  VERB_BY_NAME,
  verbOptions,
  verbWords,
  type VerbSpec,
} from '../language/vocabulary';

const MAX_EXPRESSION_DEPTH = 64;
/**
 * Operators (`+ - *`, unary `-`) in one expression, parentheses included. Every walker over an
 * expression recurses (evaluation, moving nodes, formatting); a line of 7,000 `1 +` overflowed
 * their stack, so such an expression is a syntax error instead. No scenario comes near it.
 */
const MAX_EXPRESSION_OPERATORS = 1000;
const UNKNOWN_VERB_OPTIONS: ReadonlySet<string> = new Set(['by']);
/**
 * The words that make the word before them an actor (`wine writes …`). Only the verbs' own
 * forms: names inherited from Object.prototype (`constructor`, `toString`) were in once, and
 * made `p = vkMapMemory constructor` read as an access by an actor named `vkMapMemory`.
 */
const ACCESS_VERB_NAMES = new WordTable(Object.keys(ACCESS_VERBS).map((name) => [name, true] as const));

export function parse(text: string): FileNode {
  return new Parser({ text, reparses: 0 }).parseFile();
}

/** The text a tree's steps and numbers read (source-nodes.ts), for a reparse to move it on. */
export function sourceTextOf(file: FileNode): SourceText | undefined {
  return SOURCE_TEXTS.get(file);
}

/** Records that `file`'s nodes read `source` (a reparse's tree reads its predecessor's). */
export function setSourceText(file: FileNode, source: SourceText): void {
  SOURCE_TEXTS.set(file, source);
}

const SOURCE_TEXTS = new WeakMap<FileNode, SourceText>();

/** Statements parsed from whole lines of a scenario's body (incremental-parse.ts). */
export interface BodyLines {
  readonly statements: readonly Statement[];
  readonly comments: readonly Comment[];
  readonly errors: readonly SyntaxDiagnostic[];
}

/**
 * The statements of `text`'s lines from `start` (a line start inside a scenario's body) to the
 * newline that ends at `newlineEnd`, parsed exactly as parseFile parses them there; undefined
 * when those lines do not stand alone as whole statements of a body (a `}` or a `scenario`
 * line among them, or a block running past them), where only a full parse can tell. The nodes
 * read their text from `source`, which the caller moves to `text` if it keeps them.
 */
export function parseBodyLines(
  source: SourceText,
  text: string,
  start: number,
  newlineEnd: number,
): BodyLines | undefined {
  return new Parser(source, text, start).parseBodyLines(newlineEnd);
}

class Parser {
  private readonly lexer: Lexer;
  /**
   * The token under the cursor, as fields: tokens are not objects (one per token was most of the
   * parse's garbage). Its text is sliced only when asked for, once.
   */
  private kind: TokenKind = 'eof';
  private start = 0;
  private end = 0;
  private text: string | undefined;
  /** The token after it, when a decision needed to see it (never more than one). */
  private hasAhead = false;
  private aheadKind: TokenKind = 'eof';
  private aheadStart = 0;
  private aheadEnd = 0;
  private aheadText: string | undefined;
  /** The token before it: where the last node ended, and whether a line just started. */
  private previousKind: TokenKind | undefined;
  private previousEnd = 0;
  private readonly errors: SyntaxDiagnostic[] = [];
  private readonly comments: Comment[] = [];
  private depth = 0;
  /** A body's statement is being parsed: a word there is a name, a verb or a flag. */
  private inStatement = false;
  /**
   * The line being parsed has a word with a letter outside ASCII, reported (error()): the rest
   * of the line is not read, as what follows such a word would only add errors of its own.
   */
  private unreadableWord = false;
  /** Where the run of unusual spaces last reported ends (its other characters are not reported). */
  private spaceRunEnd = -1;
  /** Operators of the expression being parsed (MAX_EXPRESSION_OPERATORS). */
  private operators = 0;
  /**
   * A step's parts are collected here and copied out at their exact length: an array grown by
   * `push` from `[]` keeps room for 17 elements, and the AST lives as long as the document.
   */
  private readonly stepArgs = new ListBuilder<Argument>();
  private readonly stepWords = new StepWordsBuilder();
  private readonly stepOptions = new ListBuilder<Option>();

  /** The text being parsed (the tree's nodes hold `sourceText`, which reads it). */
  private readonly source: string;

  constructor(
    private readonly sourceText: SourceText,
    source = sourceText.text,
    start = 0,
  ) {
    this.source = source;
    this.lexer = new Lexer(source, start);
    forgetLongWordTexts();
    this.pull();
    this.takeFromLexer();
  }

  parseFile(): FileNode {
    const scenarios: ScenarioNode[] = [];
    while (!this.at('eof')) {
      if (this.at('newline')) {
        this.advance();
        continue;
      }
      if (this.atWord('scenario')) {
        scenarios.push(this.parseScenario());
        continue;
      }
      const t = this.peek();
      this.error(
        t,
        t.kind === 'invalid'
          ? this.invalidMessage(t)
          : `expected \`scenario "name" {\`, found ${describe(t)}`,
      );
      this.skipLine();
    }
    const file: FileNode = {
      kind: 'file',
      start: 0,
      end: this.source.length,
      scenarios,
      comments: this.comments,
      errors: this.errors,
    };
    setSourceText(file, this.sourceText);
    return file;
  }

  private parseScenario(): ScenarioNode {
    const keyword = this.ident();
    let name: StringLiteral | undefined;
    let bodyStart: number | undefined;
    const unclosed = this.at('invalid') && this.source.charCodeAt(this.start) === 34; /* " */
    if (unclosed) {
      // `scenario "name {`: the string runs to the end of the line and swallows the `{`. Reported
      // once; the name is what comes before the `{`, and the body is read as usual.
      const t = this.peek();
      this.error(t, 'the scenario\'s name has no closing `"`: `scenario "name" {`');
      const brace = t.text.lastIndexOf('{');
      const nameEnd = brace > 0 ? t.start + brace : t.end;
      name = {
        kind: 'string',
        value: this.source.slice(t.start + 1, nameEnd).trim(),
        start: t.start,
        end: nameEnd,
      };
      if (brace > 0) bodyStart = nameEnd;
      this.advance();
    } else if (this.at('string')) name = this.stringLiteral();
    else {
      name = this.unquotedName();
      if (!name) this.error(this.peek(), 'expected the scenario\'s name in quotes: `scenario "name" {`');
    }
    // (An unclosed name may have opened the body already.)
    if (bodyStart === undefined && this.at('lbrace')) {
      bodyStart = this.start;
      this.advance();
    } else if (bodyStart === undefined) {
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
    const statements = STATEMENTS;
    let count = 0;
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
      if (this.atWord('scenario') && this.isLineStart()) {
        break; // a missing `}`: the next scenario starts here
      }
      const statement = this.parseBodyStatement();
      if (statement) statements[count++] = statement;
    }
    if (!closed)
      this.error({ start: keyword.start, end: (name ?? keyword).end }, 'this scenario has no closing `}`');
    const end = this.prevEnd();
    const body = statements.slice(0, count);
    statements.fill(undefined as never, 0, count); // the builder must not keep this tree alive
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

  /**
   * `scenario my test {`: the name written without quotes. Reported once, with a fix that quotes
   * it; the words are the scenario's name (outline, `--scenario NAME`, duplicate names) and the
   * body is read as usual: without this, every line of the body was an error of its own and
   * nothing was simulated. Undefined unless words and a `{` follow (the words are then consumed,
   * and the caller reports the missing name at the token after them).
   */
  private unquotedName(): StringLiteral | undefined {
    if (this.kind !== 'ident' && this.kind !== 'number' && !this.atNameCharacters()) return undefined;
    const start = this.start;
    let end = this.end;
    let ahead = this.peekKind();
    // Up to the `{` on the same line, through words, numbers, dashes and characters that are in
    // no word (`Prüfung`, `测试`, `v1.2`): in quotes, a name may hold any of them.
    while (
      ahead === 'ident' ||
      ahead === 'number' ||
      ahead === 'minus' ||
      (ahead === 'invalid' && !this.peekText().startsWith('"'))
    ) {
      this.advance();
      end = this.end;
      ahead = this.peekKind();
    }
    if (ahead !== 'lbrace') return undefined;
    const written = this.source.slice(start, end);
    this.errors.push({
      start,
      end,
      message: `a scenario's name is written in quotes: \`scenario ${stringLiteral(written)} {\``,
      fix: { title: `Quote the name: ${stringLiteral(written)}`, text: stringLiteral(written) },
    });
    this.advance();
    return { kind: 'string', value: written, start, end };
  }

  /** The current token is characters drvmap reads in no token (not an unclosed string). */
  private atNameCharacters(): boolean {
    return this.kind === 'invalid' && this.source.charCodeAt(this.start) !== 34; /* " */
  }

  /** See parseBodyLines: the body loop of parseScenario over a few lines, stopping at their end. */
  parseBodyLines(newlineEnd: number): BodyLines | undefined {
    const statements: Statement[] = [];
    for (;;) {
      if (this.start >= newlineEnd) return undefined; // a block ran past the lines
      if (this.kind === 'newline') {
        if (this.end === newlineEnd) break;
        this.advance();
        continue;
      }
      if (this.kind === 'eof' || this.kind === 'rbrace' || (this.atWord('scenario') && this.isLineStart()))
        return undefined;
      const statement = this.parseBodyStatement();
      if (statement) statements.push(statement);
    }
    return { statements, comments: this.comments, errors: this.errors };
  }

  /** One statement of a scenario's body and the rest of its line. */
  private parseBodyStatement(): Statement | undefined {
    this.unreadableWord = false;
    this.inStatement = true;
    const statement = this.parseStatement();
    this.endOfLine();
    this.inStatement = false;
    if (!this.unreadableWord || !statement || statement.kind === 'driver') return statement;
    // A line with a word drvmap cannot read (`größe`) is not run: what it would mean without the
    // word is a guess (`mmap 4KiB rw private 测试 anon` without `anon` is another call). A step
    // keeps its name, as `b = $` does, so that a later use says the step was not run.
    return statement.kind === 'step'
      ? this.step(statement.binding, statement.actor, '', statement.verb.start, EMPTY, EMPTY, EMPTY)
      : undefined;
  }

  private parseStatement(): Statement | undefined {
    if (this.kind !== 'ident') {
      const t = this.peek();
      this.error(
        t,
        t.kind === 'invalid'
          ? this.invalidMessage(t)
          : `expected a step, a setting, \`driver\` or \`expect\`, found ${describe(t)}`,
      );
      this.skipLine();
      return undefined;
    }
    const word = STATEMENT_WORDS.entryAt(this.source, this.start, this.end)?.value ?? 0;
    // `driver NAME {` declares a driver; `driver writes mem, 4` is a step by the actor `driver`.
    if (
      word & DRIVER &&
      (this.peekKind() === 'lbrace' || (this.peekKind() === 'ident' && !this.aheadIsAccessVerb()))
    )
      return this.parseDriver();
    if (word & ACTOR) return this.parseActor();
    if (word & EXPECT) return this.parseExpect();
    // `wine 10.15` sets the Wine release; `wine writes p, 4` is an access by the built-in actor
    // `wine` (no other setting names an actor: names cannot be settings, `reserved-name`).
    if (word & SETTING && this.peekKind() !== 'assign' && !this.aheadIsAccessVerb())
      return this.parseSetting();
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
      if (
        spec?.args === 'version' &&
        (t.kind === 'number' || (t.kind === 'ident' && /^v\d+$/i.test(t.text)))
      ) {
        // `kernel 5.15` is a version, not a fractional byte count: keep the text, no value. All
        // that is glued to it is taken too, as `uname -r` prints it (`6.6.12`,
        // `6.10.6-200.fc40.x86_64`, `6.6.31+rpt-rpi-v8`), as the CLI's --kernel does; the platform
        // reads major.minor. `v6.6` (as git tags spell it) is taken whole too, so that the
        // platform reports it once. A comma or a space still starts another (extra) value.
        this.advance();
        let end = t.end;
        while (this.start === end && !this.atLineEnd() && this.kind !== 'comma' && this.kind !== 'comment') {
          end = this.end;
          this.advance();
        }
        const text = this.source.slice(t.start, end);
        args.push({
          kind: 'number',
          text,
          value: undefined,
          unit: undefined,
          error: undefined,
          start: t.start,
          end,
        });
        continue;
      }
      if (t.kind === 'ident' && (spec?.args === 'word' || !isUnit(t.text))) {
        if (spec?.args === 'word' || spec?.args === 'none') {
          this.advance();
          words.push(wordNode(t.text, t.start));
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
        words.push(wordNode(t.text, t.start));
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

  /** The token after the current one is `writes` or `reads`: the current word is an actor. */
  private aheadIsAccessVerb(): boolean {
    return (
      this.peekKind() === 'ident' && ACCESS_VERB_NAMES.hasAt(this.source, this.aheadStart, this.aheadEnd)
    );
  }

  private parseStep(): StepNode {
    let binding: Identifier | undefined;
    let actor: Identifier | undefined;
    if (this.peekKind() === 'assign') {
      binding = this.ident();
      this.advance();
    }
    if (this.at('ident') && this.peekKind() === 'ident' && this.aheadIsAccessVerb()) actor = this.ident();
    if (!this.at('ident')) {
      const t = this.peek();
      this.error(
        t,
        binding
          ? `expected a command after \`${binding.name} =\``
          : `expected a command, found ${describe(t)}`,
      );
      this.skipLine();
      return this.step(binding, actor, '', t.start, EMPTY, EMPTY, EMPTY);
    }
    // The vocabulary's own strings, so that 100k `mmap`s and `rw`s share one string each.
    const verb = VERBS_BY_WORD.entryAt(this.source, this.start, this.end)?.value;
    const name = verb !== undefined ? verb.name : this.currentText();
    const verbStart = this.start;
    this.advance();
    const vocabulary = verb !== undefined ? verb.vocabulary : UNKNOWN_VERB_VOCABULARY;
    const args = this.stepArgs;
    const words = this.stepWords;
    const options = this.stepOptions;
    while (!this.atLineEnd()) {
      const kind = this.kind;
      if (kind === 'comma' || kind === 'pipe') {
        this.advance();
        continue;
      }
      const role =
        kind === 'ident' ? vocabulary.roles.entryAt(this.source, this.start, this.end)?.value : undefined;
      if (role === OPTION) {
        const keyword = this.ident();
        let value: Expression | StringLiteral | undefined;
        if (this.at('string')) value = this.stringLiteral();
        else if (!this.atLineEnd() && !this.at('comma')) value = this.parseExpression();
        if (!value) this.error(keyword, `\`${keyword.name}\` needs a value`);
        options.add({ kind: 'option', start: keyword.start, end: this.prevEnd(), keyword, value });
        continue;
      }
      const flag = role ?? (vocabulary.anyWord && kind === 'ident' ? this.currentText() : undefined);
      if (flag !== undefined) {
        words.add(flag, this.start);
        this.advance();
        continue;
      }
      const arg = this.parseArgument();
      if (arg) args.add(arg);
      else this.skipToken();
    }
    return this.step(binding, actor, name, verbStart, args.take(), words.take(verbStart), options.take());
  }

  private step(
    binding: Identifier | undefined,
    actor: Identifier | undefined,
    verbName: string,
    verbStart: number,
    args: readonly Argument[],
    words: HeldWords,
    options: readonly Option[],
  ): StepNode {
    const end = Math.max(this.prevEnd(), verbStart + verbName.length);
    return actor === undefined && options.length === 0
      ? sourceStep(this.sourceText, end, binding, verbName, verbStart, args, words)
      : sourceStepWithExtras(this.sourceText, end, binding, actor, verbName, verbStart, args, words, options);
  }

  private parseExpect(): ExpectNode {
    const keyword = this.ident();
    const word = this.kind === 'ident' ? this.currentText() : undefined;
    let expectation: ExpectForm;
    if (word === 'diagnostic') {
      this.advance();
      const code = this.at('ident') ? this.ident() : undefined;
      if (!code)
        this.error(this.peek(), 'expected a diagnostic code, e.g. `expect diagnostic stale-pointer`');
      expectation = { form: 'diagnostic', code };
    } else if (
      (word === 'mapped' || word === 'unmapped') &&
      this.peekKind() !== 'eq' &&
      this.peekKind() !== 'neq'
    ) {
      this.advance();
      const address = this.parseExpression();
      if (!address) this.error(this.peek(), `expected an address after \`${word}\``);
      if (this.at('comma')) this.advance();
      const length = this.atLineEnd() ? undefined : this.parseExpression();
      expectation = { form: 'mapped', negated: word === 'unmapped', address, length };
    } else if (
      word !== undefined &&
      (word === 'read' || (this.peekKind() === 'ident' && this.peekText() === 'reads'))
    ) {
      const actor = word === 'read' ? undefined : this.ident();
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
      if (!this.atLineEnd()) {
        this.error(this.peek(), `expected \`==\` or \`!=\`, found ${describe(this.peek())}`);
        // One mistake, one error: the rest of the line is what that comparison would have read.
        this.skipLineOrBrace();
      } else this.error(this.peek(), 'expected `==` or `!=` and the expected value');
      return { op: '==', value: undefined };
    }
    const op = this.kind === 'eq' ? '==' : '!=';
    this.advance();
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
      // One mistake, one error, as for an expression too long: the rest of the line is skipped,
      // and the enclosing parentheses, marked past the operator limit, report nothing missing.
      this.operators = MAX_EXPRESSION_OPERATORS + 1;
      this.skipLineOrBrace();
      return undefined;
    }
    if (this.depth === 0) this.operators = 0;
    this.depth++;
    const expression = this.parseAdditive();
    this.depth--;
    return expression;
  }

  /**
   * Counts one operator; past the limit, reports the expression as too long and skips the rest
   * of the line (false: stop parsing it).
   */
  private countOperator(): boolean {
    if (++this.operators <= MAX_EXPRESSION_OPERATORS) return true;
    if (this.operators === MAX_EXPRESSION_OPERATORS + 1)
      this.error(this.peek(), `expression too long: more than ${MAX_EXPRESSION_OPERATORS} operators`);
    this.skipLineOrBrace();
    return false;
  }

  /** The expression went past MAX_EXPRESSION_OPERATORS (reported once). */
  private tooLong(): boolean {
    return this.operators > MAX_EXPRESSION_OPERATORS;
  }

  private parseAdditive(): Expression | undefined {
    let left = this.parseMultiplicative();
    if (!left) return undefined;
    while ((this.at('plus') || this.at('minus')) && this.countOperator()) {
      const op = this.kind === 'plus' ? '+' : '-';
      this.advance();
      const right = this.parseMultiplicative();
      if (!right) this.error(this.peek(), `expected a value after \`${op}\``);
      left = binaryNode(op, left, right, this.prevEnd());
    }
    return left;
  }

  private parseMultiplicative(): Expression | undefined {
    let left = this.parseUnary();
    if (!left) return undefined;
    while (this.at('star') && this.countOperator()) {
      this.advance();
      const right = this.parseUnary();
      if (!right) this.error(this.peek(), 'expected a value after `*`');
      left = binaryNode('*', left, right, this.prevEnd());
    }
    return left;
  }

  private parseUnary(): Expression | undefined {
    if (this.at('minus')) {
      if (!this.countOperator()) return undefined;
      const start = this.start;
      const minusEnd = this.end;
      this.advance();
      const operand = this.parseUnary();
      if (!operand && !this.tooLong()) this.error(this.peek(), 'expected a value after `-`');
      return { kind: 'negate', operand, start, end: operand ? operand.end : minusEnd };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expression | undefined {
    const kind = this.kind;
    const start = this.start;
    if (kind === 'number') {
      const digitsEnd = this.end;
      this.advance();
      let unit: string | undefined;
      let end = digitsEnd;
      if (this.kind === 'ident' && this.start > digitsEnd) {
        unit = unitAt(this.source, this.start, this.end);
        if (unit !== undefined) {
          end = this.end;
          this.advance();
        }
      }
      let value = commonNumberValue(this.source, start, digitsEnd, unit);
      if (value === undefined) {
        const parsed = parseNumberAt(this.source, start, digitsEnd, unit);
        value = parsed.value;
        if (parsed.error)
          this.error({ start, end }, parsed.error, parsed.outOfRange ? 'number-out-of-range' : undefined);
      }
      return sourceNumber(this.sourceText, start, value);
    }
    if (kind === 'ident') {
      const name: Expression = nameNode(this.currentText(), start);
      this.advance();
      return name;
    }
    if (kind === 'lparen') {
      this.advance();
      const inner = this.parseExpression();
      if (!inner && !this.tooLong()) this.error(this.peek(), 'expected a value inside `( )`');
      if (this.at('rparen')) this.advance();
      else if (!this.tooLong()) this.error(this.peek(), 'expected `)`');
      return { kind: 'paren', inner, start, end: this.prevEnd() };
    }
    return undefined;
  }

  // ---- token helpers ----

  /** Moves the lexer to the next token that is not a comment (comments are set aside). */
  private pull(): void {
    const lexer = this.lexer;
    for (;;) {
      const kind = lexer.advance();
      if (kind === 'comment')
        this.comments.push({ start: lexer.start, end: lexer.end, text: lexer.tokenText() });
      else if (kind !== 'invalid' || !this.unusualSpace(lexer.start)) return;
    }
  }

  /**
   * A space that is not U+0020 (a no-break space pasted from Word, Outlook or Teams; an
   * ideographic space typed by a CJK input method) at `at`: reported once per run, with a fix
   * that writes plain spaces, and otherwise read as the space it looks like, so that the line
   * still means what it shows.
   */
  private unusualSpace(at: number): boolean {
    if (!isUnusualSpace(this.source, at)) return false;
    if (at < this.spaceRunEnd) return true;
    let end = at + 1;
    while (isUnusualSpace(this.source, end)) end++;
    this.spaceRunEnd = end;
    const count = end - at;
    this.errors.push({
      start: at,
      end,
      message: `${spaceName(this.source.charCodeAt(at))}: use a plain space`,
      fix: {
        title: count === 1 ? 'Replace with a plain space' : 'Replace with plain spaces',
        text: ' '.repeat(count),
      },
    });
    return true;
  }

  private takeFromLexer(): void {
    this.kind = this.lexer.kind;
    this.start = this.lexer.start;
    this.end = this.lexer.end;
    this.text = undefined;
  }

  /** The current token's text. */
  private currentText(): string {
    return (this.text ??= this.tokenText(this.kind, this.start, this.end));
  }

  /** The current token as an object, for error messages and the rarely taken paths. */
  private peek(): Token {
    return { kind: this.kind, start: this.start, end: this.end, text: this.currentText() };
  }

  /** The kind of the token after the current one. */
  private peekKind(): TokenKind {
    if (this.kind === 'eof') return 'eof';
    if (!this.hasAhead) {
      this.pull();
      this.hasAhead = true;
      this.aheadKind = this.lexer.kind;
      this.aheadStart = this.lexer.start;
      this.aheadEnd = this.lexer.end;
      this.aheadText = undefined;
    }
    return this.aheadKind;
  }

  /** The text of the token after the current one. */
  private peekText(): string {
    if (this.kind === 'eof') return '';
    this.peekKind();
    return (this.aheadText ??= this.tokenText(this.aheadKind, this.aheadStart, this.aheadEnd));
  }

  /** Names and words are read through `wordText`, so that their repeats share one string. */
  private tokenText(kind: TokenKind, start: number, end: number): string {
    return kind === 'ident' ? wordText(this.source, start, end) : textOf(kind, this.source, start, end);
  }

  private at(kind: TokenKind): boolean {
    return this.kind === kind;
  }

  /** Compared in the source: asked at every line, where the word is mostly a verb or a name. */
  private atWord(word: string): boolean {
    return (
      this.kind === 'ident' &&
      this.end - this.start === word.length &&
      this.source.startsWith(word, this.start)
    );
  }

  private advance(): void {
    if (this.kind === 'eof') return;
    this.previousKind = this.kind;
    this.previousEnd = this.end;
    if (this.hasAhead) {
      this.hasAhead = false;
      this.kind = this.aheadKind;
      this.start = this.aheadStart;
      this.end = this.aheadEnd;
      this.text = this.aheadText;
    } else {
      this.pull();
      this.takeFromLexer();
    }
  }

  private next(): Token {
    const t = this.peek();
    this.advance();
    return t;
  }

  private prevEnd(): number {
    return this.previousEnd;
  }

  private atLineEnd(): boolean {
    const k = this.kind;
    return k === 'newline' || k === 'eof' || k === 'rbrace';
  }

  private isLineStart(): boolean {
    const kind = this.previousKind;
    return kind === undefined || kind === 'newline' || kind === 'lbrace';
  }

  private ident(): Identifier {
    const node: Identifier = identifierNode(this.currentText(), this.start);
    this.advance();
    return node;
  }

  private stringLiteral(): StringLiteral {
    const t = this.next();
    const body = t.text.slice(1, -1).replace(/\\(.)/g, '$1');
    return { kind: 'string', value: body, start: t.start, end: t.end };
  }

  private skipToken(): void {
    const t = this.peek();
    this.error(t, t.kind === 'invalid' ? this.invalidMessage(t) : `unexpected ${describe(t)}`);
    this.advance();
    if (this.unreadableWord) this.skipLineOrBrace();
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
    if (isUnreadableWord(t.text)) return unreadableWordMessage(t.text);
    return `unexpected character ${characterName(t.text)}`;
  }

  private error(
    range: { start: number; end: number },
    message: string,
    code?: SyntaxDiagnostic['code'],
  ): void {
    // Whatever was expected where a word with a letter outside ASCII stands, that word is the
    // problem: said once, and the rest of its line is not read (skipToken).
    const unreadable =
      this.inStatement &&
      this.kind === 'invalid' &&
      range.start === this.start &&
      isUnreadableWord(this.currentText());
    if (unreadable) this.unreadableWord = true;
    const said = unreadable ? unreadableWordMessage(this.currentText()) : message;
    const last = this.errors[this.errors.length - 1];
    // One error per position is enough: recovery may revisit the same token.
    if (last && last.start === range.start && last.message === said) return;
    const end = Math.max(range.end, range.start);
    this.errors.push(
      code ? { start: range.start, end, message: said, code } : { start: range.start, end, message: said },
    );
  }
}

/**
 * `x` in backticks, or the code point of an invisible character (`U+0000`): a message must not
 * carry raw control bytes into a terminal, the Problems panel or a SARIF log.
 */
function characterName(text: string): string {
  const code = text.codePointAt(0) ?? 0;
  return INVISIBLE.test(String.fromCodePoint(code)) ? codePointName(code) : `\`${text}\``;
}

/**
 * Characters that show as nothing, or as another: spaces other than U+0020 (no-break, ideographic),
 * line and paragraph separators, controls, format characters (zero-width space, byte-order mark,
 * bidi embeddings, overrides and isolates), lone surrogates and marks that combine with what is
 * before them. By Unicode property, so that no such character is missed from a list.
 */
const INVISIBLE = /^[\p{Zs}\p{Zl}\p{Zp}\p{Cc}\p{Cf}\p{Cs}\p{Mn}\p{Me}]/u;

function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A space other than U+0020 at `at` (what the lexer leaves as an invalid token). */
function isUnusualSpace(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 0x80 && UNUSUAL_SPACE.test(text[at]!);
}

const UNUSUAL_SPACE = /^\p{Zs}$/u;

/** A space other than U+0020 by what it is, for the message that says to use a plain one. */
function spaceName(code: number): string {
  const name =
    code === 0xa0
      ? 'a no-break space'
      : code === 0x202f
        ? 'a narrow no-break space'
        : code === 0x3000
          ? 'an ideographic space'
          : 'a space that is not U+0020';
  return `${name} (${codePointName(code)})`;
}

/** An invalid token that is a word with a letter outside ASCII (lexer.ts: one token, `größe`). */
function isUnreadableWord(text: string): boolean {
  return !text.startsWith('"') && NON_ASCII_LETTER.test(text);
}

const NON_ASCII_LETTER = /(?![\0-\x7f])[\p{L}\p{M}]/u;

/** Names are ASCII, as the TextMate grammar and the editor's word pattern read them. */
function unreadableWordMessage(word: string): string {
  const first = [...word].find((c) => c.codePointAt(0)! >= 0x80) ?? word;
  return `a name is ASCII letters, digits, \`_\` and \`-\`: ${characterName(first)} is not one`;
}

/**
 * A scenario's statements are collected here, then copied out at their exact length: pushed
 * onto a fresh array, 100k statements regrew it ~25 times (2.4 MB of garbage a parse). One
 * builder serves every parse: a parse runs to its end before another starts.
 */
const STATEMENTS: Statement[] = [];

/**
 * The words a verb knows, for one lookup per word: an option keyword (`at`) maps to OPTION, a
 * flag word (`rw`) to the vocabulary's own string for it, so that the AST's 100k `rw`s share one.
 */
interface VerbVocabulary {
  readonly roles: WordTable<string | typeof OPTION>;
  /** An unknown verb takes any word as a flag (the rules report it, not the parser). */
  readonly anyWord: boolean;
}

const OPTION = null;
const UNKNOWN_VERB_VOCABULARY: VerbVocabulary = {
  roles: new WordTable([...UNKNOWN_VERB_OPTIONS].map((name) => [name, OPTION] as const)),
  anyWord: true,
};

function vocabularyOf(spec: VerbSpec): VerbVocabulary {
  const roles = new Map<string, string | typeof OPTION>();
  for (const word of verbWords(spec)) {
    roles.set(word, word);
    registerWord(word);
  }
  for (const name of verbOptions(spec)) roles.set(name, OPTION); // an option wins over a flag
  return { roles: new WordTable(roles), anyWord: false };
}

/** A word that starts a step's command: its verb's vocabulary, and the name the step keeps. */
interface VerbWord {
  readonly name: string;
  readonly vocabulary: VerbVocabulary;
}

/**
 * Every verb by the words that name it: the verb's own (`write`), and the access forms after an
 * actor (`app writes …`), which keep their own name and take their verb's words.
 */
const VERBS_BY_WORD: WordTable<VerbWord> = (() => {
  const vocabularies = new Map<VerbSpec, VerbVocabulary>();
  const vocabulary = (spec: VerbSpec) => {
    let known = vocabularies.get(spec);
    if (!known) vocabularies.set(spec, (known = vocabularyOf(spec)));
    return known;
  };
  const entries: [string, VerbWord][] = [];
  for (const spec of VERB_BY_NAME.values())
    entries.push([spec.verb, { name: spec.verb, vocabulary: vocabulary(spec) }]);
  for (const [word, verb] of [...Object.entries(ACCESS_VERBS), ...Object.entries(VERB_ALIASES)]) {
    const spec = VERB_BY_NAME.get(verb);
    if (spec) entries.push([word, { name: word, vocabulary: vocabulary(spec) }]);
  }
  return new WordTable(entries);
})();

/** What a statement's first word can start, as bits: a word may be a keyword and a setting. */
const DRIVER = 1;
const ACTOR = 2;
const EXPECT = 4;
const SETTING = 8;
const STATEMENT_WORDS: WordTable<number> = (() => {
  const bits = new Map<string, number>([
    ['driver', DRIVER],
    ['actor', ACTOR],
    ['expect', EXPECT],
  ]);
  for (const name of SETTING_BY_NAME.keys()) bits.set(name, (bits.get(name) ?? 0) | SETTING);
  return new WordTable(bits);
})();

/**
 * Collects a list's items to copy them out at their exact length. The array is reused from one
 * list to the next (`length = 0` would drop its storage and regrow it for every step).
 */
class ListBuilder<T> {
  private readonly items: T[] = [];
  private count = 0;

  add(item: T): void {
    this.items[this.count++] = item;
  }

  /** The items added since the last `take()`, at their exact length. */
  take(): readonly T[] {
    const count = this.count;
    if (count === 0) return EMPTY;
    this.count = 0;
    const items = this.items;
    // Array literals for the usual lengths: like nodes (compact-nodes.ts), they have an
    // allocation site, so V8 can allocate these lasting lists straight in the old generation.
    switch (count) {
      case 1:
        return [items[0]!];
      case 2:
        return [items[0]!, items[1]!];
      case 3:
        return [items[0]!, items[1]!, items[2]!];
      case 4:
        return [items[0]!, items[1]!, items[2]!, items[3]!];
      default:
        return items.slice(0, count);
    }
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
