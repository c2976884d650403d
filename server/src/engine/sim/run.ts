// Runs one scenario: reads its platform and drivers, resolves names in order, executes each
// step against the simulated kernel (through the Vulkan layer for API steps), and checks each
// expectation where it stands.
import type {
  Argument,
  ExpectNode,
  Expression,
  NameExpression,
  ScenarioNode,
  StepNode,
  Word,
} from '../syntax/ast';
import {
  MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_SHARED,
  type AccessResult,
  type Errno,
  type FileSpec,
} from '../kernel/types';
import {
  ERRNO_NAMES,
  isReservedWord,
  VERB_BY_NAME,
  VK_RESULT_NAMES,
  ACCESS_VERBS,
  type BindingKind,
} from '../language/vocabulary';
import { formatHex, formatSize } from '../numbers';
import { defaultDriver, readDriver, type DriverModel } from '../model/driver';
import { VulkanLayer } from '../model/vulkan-layer';
import { GlLayer } from '../model/gl/gl-layer';
import { afterUffdStep, uffdRangeOf, uffdStep } from '../model/uffd-step';
import { machOutcome, machVmRemap } from '../model/mach-step';
import { evaluate } from './evaluate';
import { readPlatform, type PlatformDefaults } from './platform';
import type { LanguageProblem } from './problems';
import type { ExpectRecord, Outcome, StepRecord } from './records';
import { Simulation } from './simulation';
import type { SymbolKind } from './symbols';
import type { RuntimeValue } from './values';
import { flagsOf, MMAP_FLAG_BY_WORD, MREMAP_FLAG_BY_WORD, protOf } from './words';

export interface ScenarioRun {
  readonly node: ScenarioNode;
  readonly simulation: Simulation;
  readonly drivers: ReadonlyMap<string, DriverModel>;
  readonly vulkan: VulkanLayer;
  /** The OpenGL buffers and maps (model/gl/). */
  readonly gl: GlLayer;
  readonly problems: readonly LanguageProblem[];
  /** Step record index for each step node start offset. */
  readonly stepByOffset: ReadonlyMap<number, number>;
  /** The document text, for fixes that reuse what the user wrote. */
  readonly sourceText: string;
}

export interface RunOptions extends PlatformDefaults {
  /** Stop simulating after this many steps (huge files); the rest is still parsed and resolved. */
  readonly maxSteps?: number;
  /**
   * Replace drivers' traits by name (`*` for every driver, including the implicit one): how
   * exploration runs one workload under many driver behaviours without editing the text.
   */
  readonly driverOverrides?: ReadonlyMap<string, import('../model/driver').DriverTraits>;
  /** Override the scenario's strategy (exploration compares strategies on one workload). */
  readonly strategyOverride?: import('./platform').StrategyName;
  /**
   * Called once per driver with its final model (after overrides); the run uses what it returns.
   * Exploration wraps the model to record which traits the run reads.
   */
  readonly observeDriver?: (model: DriverModel) => DriverModel;
}

export function runScenario(node: ScenarioNode, sourceText: string, options: RunOptions = {}): ScenarioRun {
  return new ScenarioRunner(node, sourceText, options).run();
}

const BUILTIN_ACTORS = ['app', 'wine', 'host'];

class ScenarioRunner {
  private readonly problems: LanguageProblem[] = [];
  private readonly sim: Simulation;
  private readonly drivers = new Map<string, DriverModel>();
  private readonly actors = new Set<string>(BUILTIN_ACTORS);
  private readonly values = new Map<string, RuntimeValue>();
  /** Names bound anywhere in the scenario with the offset of their binding, for "used before defined". */
  private readonly laterBindings = new Map<string, number>();
  private readonly vulkan: VulkanLayer;
  private readonly gl: GlLayer;
  private readonly stepByOffset = new Map<number, number>();

  constructor(
    private readonly node: ScenarioNode,
    private readonly sourceText: string,
    private readonly options: RunOptions,
  ) {
    const read = readPlatform(node, this.problems, options);
    const platform = options.strategyOverride ? { ...read, strategy: options.strategyOverride } : read;
    this.sim = new Simulation(platform, this.problems);
    for (const statement of node.body) {
      if (statement.kind === 'driver') this.declareDriver(statement);
      else if (statement.kind === 'actor' && statement.name) this.declareActor(statement.name);
    }
    if (this.drivers.size === 0) this.drivers.set('driver', defaultDriver('driver'));
    const overrides = options.driverOverrides;
    if (overrides) {
      for (const [name, model] of this.drivers) {
        const traits = overrides.get(name) ?? overrides.get('*');
        if (traits) this.drivers.set(name, { ...model, ...traits });
      }
    }
    const observe = options.observeDriver;
    if (observe) for (const [name, model] of this.drivers) this.drivers.set(name, observe(model));
    this.vulkan = new VulkanLayer(this.sim, this.drivers);
    this.gl = new GlLayer(this.sim, this.drivers);
  }

  run(): ScenarioRun {
    for (const statement of this.node.body) {
      if (statement.kind === 'step' && statement.binding) {
        if (!this.laterBindings.has(statement.binding.name))
          this.laterBindings.set(statement.binding.name, statement.binding.start);
      }
    }
    const maxSteps = this.options.maxSteps ?? Number.POSITIVE_INFINITY;
    this.vulkan.start();
    this.sim.space.markStep(-1);
    for (const statement of this.node.body) {
      if (statement.kind === 'step') {
        if (this.sim.records.length >= maxSteps) break;
        this.executeStep(statement);
      } else if (statement.kind === 'expect') this.checkExpectation(statement);
    }
    this.sim.space.markStep(this.sim.records.length - 1);
    return {
      node: this.node,
      simulation: this.sim,
      drivers: this.drivers,
      vulkan: this.vulkan,
      gl: this.gl,
      problems: this.problems,
      stepByOffset: this.stepByOffset,
      sourceText: this.sourceText,
    };
  }

  // ---- declarations ----

  private declareDriver(statement: import('../syntax/ast').DriverNode): void {
    const model = readDriver(statement, this.problems);
    if (!statement.name) return;
    if (this.drivers.has(model.name) || BUILTIN_ACTORS.includes(model.name)) {
      this.problems.push({
        code: 'duplicate-name',
        range: statement.name,
        message: `\`${model.name}\` is already an actor`,
      });
      return;
    }
    this.drivers.set(model.name, model);
    this.actors.add(model.name);
    this.sim.symbols.define({
      name: model.name,
      kind: 'driver',
      definition: statement.name,
      statement,
      stepIndex: undefined,
    });
  }

  private declareActor(name: import('../syntax/ast').Identifier): void {
    if (this.actors.has(name.name)) {
      this.problems.push({
        code: 'duplicate-name',
        range: name,
        message: `\`${name.name}\` is already an actor`,
      });
      return;
    }
    this.actors.add(name.name);
    this.sim.symbols.define({
      name: name.name,
      kind: 'actor',
      definition: name,
      statement: name,
      stepIndex: undefined,
    });
  }

  // ---- steps ----

  private executeStep(step: StepNode): void {
    const index = this.sim.records.length;
    this.sim.stepIndex = index;
    this.sim.stepNode = step;
    this.sim.calls = [];
    this.stepByOffset.set(step.start, index);
    const verbName = ACCESS_VERBS[step.verb.name] ?? step.verb.name;
    const spec = VERB_BY_NAME.get(verbName);
    const actor = this.stepActor(step);
    let outcome: Outcome;
    if (!spec) {
      if (step.verb.name) {
        const suggestion = [...VERB_BY_NAME.keys()].find(
          (v) => v.toLowerCase() === step.verb.name.toLowerCase(),
        );
        this.problem(
          'unknown-word',
          step.verb,
          `unknown command \`${step.verb.name}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        );
      }
      outcome = { kind: 'skipped', reason: 'not a command' };
    } else {
      this.checkWords(step, spec.verb);
      this.sim.space.userfaultfd.step = index;
      outcome = this.dispatch(step, verbName, actor);
      afterUffdStep(this.sim);
    }
    if (step.binding) this.bind(step, spec?.binds ?? 'result', outcome, index);
    const record = new RecordedStep(index, step, actor, this.sim.calls, outcome);
    this.sim.records.push(record);
    this.sim.space.markStep(index);
  }

  private stepActor(step: StepNode): string {
    const by = step.options.find((o) => o.keyword.name === 'by');
    const named =
      step.actor ??
      (by?.value?.kind === 'name'
        ? { name: by.value.name, start: by.value.start, end: by.value.end }
        : undefined);
    if (by && by.value && by.value.kind !== 'name')
      this.problem('wrong-kind', by.value, '`by` takes an actor name: app, wine, or a driver');
    // Raw syscalls and plain reads/writes are 64-bit host code unless an actor is named; only
    // `app` is held to the 32-bit window.
    if (!named)
      return VERB_BY_NAME.get(ACCESS_VERBS[step.verb.name] ?? step.verb.name)?.family === 'vulkan'
        ? 'app'
        : 'host';
    if (named.name === 'driver' && !this.drivers.has('driver')) {
      // `driver writes …` means the scenario's driver when there is one.
      const only = [...this.drivers.keys()];
      return only.length === 1 ? (only[0] ?? 'driver') : 'driver';
    }
    if (!this.actors.has(named.name) && !this.drivers.has(named.name)) {
      this.problem(
        'unknown-name',
        named,
        `unknown actor \`${named.name}\`; declare it with \`actor ${named.name}\` or use app, wine or a driver's name`,
      );
      return named.name;
    }
    this.sim.symbols.reference(named.name, named);
    return named.name;
  }

  private checkWords(step: StepNode, verb: string): void {
    const spec = VERB_BY_NAME.get(verb);
    if (!spec) return;
    for (const group of spec.wordGroups) {
      if (!group.one) continue;
      const used = step.words.filter((w) => group.words.some((g) => g.name === w.name));
      for (const extra of used.slice(1))
        this.problem(
          'duplicate-setting',
          extra,
          `only one ${group.group} word is allowed; \`${used[0]?.name}\` is already given`,
        );
    }
  }

  private dispatch(step: StepNode, verb: string, actor: string): Outcome {
    switch (verb) {
      case 'mmap':
        return this.doMmap(step, actor);
      case 'reserve':
        return this.doReserve(step, actor);
      case 'munmap': {
        const [address, length] = this.exprArgs(step, ['address', 'length']);
        if (address === undefined || length === undefined) return skipped();
        return syscallOutcome(this.sim.munmap(actor, address, length), false);
      }
      case 'mprotect': {
        const [address, length] = this.exprArgs(step, ['address', 'length']);
        const prot = protOf(step.words);
        if (!prot)
          this.problem('missing-argument', step.verb, 'mprotect needs a protection: none, r, rw, rx, rwx');
        if (address === undefined || length === undefined || !prot) return skipped();
        return syscallOutcome(this.sim.mprotect(actor, address, length, prot.prot), false);
      }
      case 'mremap': {
        const values = this.exprArgs(step, ['old_address', 'old_size', 'new_size', 'new_address?']);
        const [oldAddress, oldSize, newSize, newAddress] = values;
        if (oldAddress === undefined || oldSize === undefined || newSize === undefined) return skipped();
        const flags = flagsOf(step.words, MREMAP_FLAG_BY_WORD);
        return syscallOutcome(
          this.sim.mremap(
            actor,
            { oldAddress, oldSize, newSize, flags, newAddress: newAddress ?? 0n },
            step.binding?.name,
          ),
        );
      }
      case 'open':
        return this.doOpen(step);
      case 'uffd':
        return this.doUffd(step, actor);
      case 'mach_vm_remap': {
        const [source, size] = this.exprArgs(step, ['source', 'size']);
        if (source === undefined || size === undefined) return skipped();
        const has = (word: string) => step.words.some((w) => w.name === word);
        const args = {
          source,
          size,
          target: this.optionValue(step, 'at', actor) ?? 0n,
          fixed: has('fixed'),
          overwrite: has('overwrite'),
          copy: has('copy'),
        };
        return machOutcome(machVmRemap(this.sim, actor, args, step.binding?.name));
      }
      case 'write':
      case 'read':
        return this.doAccess(step, verb, actor);
      default:
        if (verb.startsWith('gl'))
          return this.gl.execute(
            step,
            verb,
            actor,
            (e, kind) => this.evaluateArg(e, kind, actor),
            (name) => this.memoryArg(name),
          );
        return this.vulkan.execute(
          step,
          verb,
          actor,
          (e, kind) => this.evaluateArg(e, kind, actor),
          (name) => this.memoryArg(name),
        );
    }
  }

  /** `uffd ADDRESS, LENGTH …` or `uffd MEMORY …` (its driver's mapping). */
  private doUffd(step: StepNode, actor: string): Outcome {
    const first = step.args[0];
    const memory =
      first?.kind === 'name' && this.values.get(first.name)?.kind === 'memory'
        ? this.memoryArg(first)
        : undefined;
    let range: { address: bigint; length: bigint } | undefined;
    if (memory) {
      range = uffdRangeOf(this.sim, memory);
      if (!range)
        this.problem('use-of-failed-result', first!, `${memory.name} has no driver mapping to register yet`);
    } else {
      const [address, length] = this.exprArgs(step, ['address', 'length']);
      if (address !== undefined && length !== undefined) range = { address, length };
    }
    if (!range) return skipped();
    return uffdStep(this.sim, step, actor, {
      ...range,
      memory,
      copyFrom: this.optionValue(step, 'copy-from', actor),
      mapMoved: this.optionValue(step, 'map-moved', actor),
    });
  }

  private doMmap(step: StepNode, actor: string): Outcome {
    const [length] = this.exprArgs(step, ['length']);
    const prot = protOf(step.words);
    if (!prot) this.problem('missing-argument', step.verb, 'mmap needs a protection: none, r, rw, rx or rwx');
    let flags = flagsOf(step.words, MMAP_FLAG_BY_WORD);
    const at = this.optionValue(step, 'at', actor);
    const offset = this.optionValue(step, 'offset', actor) ?? 0n;
    const fdOption = step.options.find((o) => o.keyword.name === 'fd');
    let fd = -1;
    if (fdOption) {
      const value = fdOption.value;
      if (value?.kind === 'name') {
        const file = this.lookup(value, 'file');
        if (file?.kind === 'file') fd = file.file.fd;
      } else if (value) this.problem('wrong-kind', value, '`fd` takes the name of a file from `open`');
    } else if (!(flags & MAP_ANONYMOUS) && step.words.length > 0) {
      // A file mapping without a file: the kernel answers EBADF for fd -1.
      this.problem(
        'missing-argument',
        step.verb,
        'a mapping without `anon` needs `fd NAME` (a file from `open`); the kernel would answer EBADF',
      );
    }
    if (length === undefined || !prot) return skipped();
    if (!(flags & 0x0f) && step.words.every((w) => w.name !== 'private' && w.name !== 'shared')) {
      // Kept: the kernel's EINVAL for a missing mapping type is a useful thing to demonstrate.
      flags |= 0;
    }
    return syscallOutcome(
      this.sim.mmap(
        actor,
        { addr: at ?? 0n, length, prot: prot.prot, flags, fd, offset },
        step.binding?.name,
      ),
    );
  }

  private doReserve(step: StepNode, actor: string): Outcome {
    const [length] = this.exprArgs(step, ['length']);
    const at = this.optionValue(step, 'at', actor);
    if (length === undefined) return skipped();
    const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (at !== undefined ? MAP_FIXED_NOREPLACE : 0);
    return syscallOutcome(
      this.sim.mmap(
        actor,
        { addr: at ?? 0n, length, prot: PROT_NONE, flags, fd: -1, offset: 0n },
        step.binding?.name ?? 'reservation',
      ),
    );
  }

  private doOpen(step: StepNode): Outcome {
    const kind = step.words.find((w) => w.name === 'memfd' || w.name === 'file' || w.name === 'device');
    if (!kind) {
      this.problem('missing-argument', step.verb, 'open needs a kind: memfd, file or device');
      return skipped();
    }
    const nameArg = step.args.find((a) => a.kind === 'string');
    const sizeArg = step.args.find((a) => a.kind !== 'string') as Expression | undefined;
    if (!sizeArg) {
      this.problem(
        'missing-argument',
        step.verb,
        'open needs the object size, e.g. `open memfd "buf" 20KiB`',
      );
      return skipped();
    }
    const size = this.evaluateArg(sizeArg, 'size', 'app');
    if (size === undefined) return skipped();
    const rawName = nameArg?.kind === 'string' ? nameArg.value : (step.binding?.name ?? 'file');
    const has = (w: string) => step.words.some((x) => x.name === w);
    let spec: FileSpec;
    if (kind.name === 'device') {
      const mixed = has('mixedmap');
      spec = {
        kind: 'device',
        name: /[/:]/.test(rawName) ? rawName : `/dev/dri/${rawName}`,
        sizeBytes: size,
        readable: true,
        writable: !has('readonly'),
        device: {
          vmFlags: mixed
            ? VM_MIXEDMAP | VM_SHARED | VM_DONTEXPAND | VM_DONTDUMP
            : VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
          rejectsCow: !mixed,
          customGetUnmappedArea: has('custom-placement'),
          refusesSplit: false,
        },
      };
    } else {
      spec = {
        kind: kind.name === 'memfd' ? 'memfd' : 'regular',
        // The kernel model names memfds as /proc/PID/maps does (`/memfd:NAME (deleted)`).
        name: rawName,
        sizeBytes: size,
        readable: true,
        writable: !has('readonly'),
      };
    }
    const file = this.sim.space.openFile(spec);
    this.sim.note(
      'app',
      kind.name === 'memfd'
        ? `memfd_create("${rawName}") + ftruncate(${formatSize(size)})`
        : `open("${spec.name}")`,
      `= ${file.fd}`,
      true,
    );
    if (step.binding) this.values.set(step.binding.name, { kind: 'file', file, step: this.sim.stepIndex });
    return { kind: 'ok' };
  }

  private doAccess(step: StepNode, verb: 'write' | 'read', actor: string): Outcome {
    const addressArg = step.args[0];
    const lengthArg = step.args[1];
    if (!addressArg || addressArg.kind === 'string' || !lengthArg || lengthArg.kind === 'string') {
      this.problem(
        'missing-argument',
        step.verb,
        `${verb} needs an address and a length: \`${VERB_BY_NAME.get(verb)?.example}\``,
      );
      return skipped();
    }
    const length = this.evaluateArg(lengthArg, 'length', actor);
    // A driver naming a memory object writes through its own pointer (or the GPU does).
    if (addressArg.kind !== 'number') {
      const memoryTarget = this.memoryTarget(addressArg, actor);
      if (memoryTarget && length !== undefined) {
        const datum = verb === 'write' ? this.writeDatum(step, actor) : undefined;
        return this.vulkan.driverAccess(step, actor, memoryTarget.memory, memoryTarget.offset, length, datum);
      }
      if (memoryTarget === null) return skipped();
    }
    const address = this.evaluateArg(addressArg, 'address', actor);
    if (address === undefined || length === undefined) return skipped();
    if (verb === 'write') {
      const datum = this.writeDatum(step, actor);
      const result = this.sim.write(actor, address, length, datum);
      this.sim.note(
        actor,
        `write ${formatHex(address)}, ${length}`,
        result.ok ? '' : `${result.signal} at ${formatHex(result.address)}`,
        result.ok,
      );
      this.vulkan.noteAppAccess(step, actor, address, length, 'write');
      this.gl.noteAccess(actor, address, length, 'write');
      return accessOutcome(result, `${length} bytes written`);
    }
    const result = this.sim.read(actor, address, length);
    this.sim.note(
      actor,
      `read ${formatHex(address)}, ${length}`,
      result.ok ? describeSegments(result, this.sim) : `${result.signal} at ${formatHex(result.address)}`,
      result.ok,
    );
    this.vulkan.noteAppAccess(step, actor, address, length, 'read');
    return accessOutcome(result, result.ok ? describeSegments(result, this.sim) : '');
  }

  private writeDatum(step: StepNode, actor: string): number {
    const valueArg = step.args[2];
    if (valueArg && valueArg.kind !== 'string') {
      const value = this.evaluateArg(valueArg, 'value', actor);
      if (value !== undefined) {
        if (value > 0xffn)
          this.problem(
            'number-out-of-range',
            valueArg,
            `a fill value is one byte (0x00..0xff), not ${formatHex(value)}`,
          );
        else return Number(value);
      }
    }
    return this.sim.newTag(
      step.binding?.name ?? `data written by ${actor} at step ${this.sim.stepIndex + 1}`,
      actor,
    );
  }

  /**
   * `mem + 0x100` where `mem` is a memory object: undefined when the expression does not start
   * with a memory name, null when it does but is unusable (already reported).
   */
  private memoryTarget(
    expression: Expression,
    actor: string,
  ): { memory: import('../model/vk-memory').VkMemory; offset: bigint } | undefined | null {
    let base: Expression = expression;
    let offsetExpr: Expression | undefined;
    if (expression.kind === 'binary' && expression.op === '+' && expression.left.kind === 'name') {
      base = expression.left;
      offsetExpr = expression.right;
    }
    if (base.kind !== 'name') return undefined;
    const value = this.values.get(base.name);
    if (value?.kind !== 'memory') return undefined;
    this.sim.symbols.reference(base.name, base);
    if (!this.drivers.has(actor) && actor !== 'driver') {
      this.problem(
        'wrong-kind',
        base,
        `\`${base.name}\` is a memory object: only its driver has a pointer to it; ${actor} must map it first (\`p = vkMapMemory ${base.name}\`) and use \`p\``,
      );
      return null;
    }
    const offset = offsetExpr ? this.evaluateArg(offsetExpr, 'offset', actor) : 0n;
    if (offset === undefined) return null;
    return { memory: value.memory, offset };
  }

  // ---- names and arguments ----

  private exprArgs(step: StepNode, names: readonly string[]): (bigint | undefined)[] {
    const out: (bigint | undefined)[] = [];
    let position = 0;
    for (const arg of step.args) {
      if (arg.kind === 'string') {
        this.problem('syntax-error', arg, `${step.verb.name} takes no text`);
        continue;
      }
      if (position >= names.length) {
        this.problem(
          'syntax-error',
          arg,
          `${step.verb.name} takes ${names.length} values; this one is extra`,
        );
        continue;
      }
      out.push(this.evaluateArg(arg, names[position++] ?? '', 'host'));
    }
    for (; position < names.length; position++) {
      const name = names[position] ?? '';
      if (!name.endsWith('?')) {
        this.problem(
          'missing-argument',
          step.verb,
          `${step.verb.name} needs ${name}: \`${VERB_BY_NAME.get(step.verb.name)?.example ?? ''}\``,
        );
      }
      out.push(undefined);
    }
    return out;
  }

  private optionValue(step: StepNode, keyword: string, actor: string): bigint | undefined {
    const option = step.options.find((o) => o.keyword.name === keyword);
    if (!option?.value) return undefined;
    if (option.value.kind === 'string') {
      this.problem('wrong-kind', option.value, `\`${keyword}\` takes a number or an address`);
      return undefined;
    }
    return this.evaluateArg(option.value, keyword, actor);
  }

  private readonly nameValueOf = (node: NameExpression): bigint | undefined => this.nameValue(node);

  private evaluateArg(expression: Expression, _what: string, _actor: string): bigint | undefined {
    // Plain numbers are most arguments: skip the evaluator.
    if (expression.kind === 'number') return expression.value;
    return evaluate(expression, this.nameValueOf, this.problems);
  }

  private memoryArg(node: Argument | undefined): import('../model/vk-memory').VkMemory | undefined {
    if (!node) return undefined;
    if (node.kind !== 'name') {
      this.problem('wrong-kind', node, 'expected the name of a memory object from `vkAllocateMemory`');
      return undefined;
    }
    const value = this.lookup(node, 'memory');
    return value?.kind === 'memory' ? value.memory : undefined;
  }

  /** The numeric value of a name in an address expression. */
  private nameValue(node: NameExpression): bigint | undefined {
    const value = this.lookup(node, 'address');
    if (!value) return undefined;
    switch (value.kind) {
      case 'address':
        return value.value;
      case 'failed':
        this.problem(
          'use-of-failed-result',
          node,
          `\`${node.name}\` has no value: step ${value.step + 1} failed (${value.reason})`,
          [{ range: this.sim.stepRange(value.step) ?? node, message: 'failed here' }],
        );
        return undefined;
      case 'memory':
        this.problem(
          'wrong-kind',
          node,
          `\`${node.name}\` is a memory object, not an address: map it (\`p = vkMapMemory ${node.name}\`) and use the pointer`,
        );
        return undefined;
      case 'file':
        this.problem('wrong-kind', node, `\`${node.name}\` is a file; use it as \`fd ${node.name}\``);
        return undefined;
      case 'data':
        this.problem(
          'wrong-kind',
          node,
          `\`${node.name}\` names written data; it can only be compared in \`expect … reads … == ${node.name}\``,
        );
        return undefined;
      case 'status':
        this.problem('wrong-kind', node, `\`${node.name}\` is the status of a step that returns no address`);
        return undefined;
    }
  }

  private lookup(
    node: NameExpression | { name: string; start: number; end: number },
    wanted: 'address' | 'memory' | 'file' | 'any',
  ): RuntimeValue | undefined {
    const value = this.values.get(node.name);
    if (value) {
      this.sim.symbols.reference(node.name, node);
      if (wanted === 'file' && value.kind !== 'file') {
        this.problem('wrong-kind', node, `\`${node.name}\` is not a file from \`open\``);
        return undefined;
      }
      if (wanted === 'memory' && value.kind !== 'memory') {
        this.problem('wrong-kind', node, `\`${node.name}\` is not a memory object from \`vkAllocateMemory\``);
        return undefined;
      }
      return value;
    }
    const symbol = this.sim.symbols.get(node.name);
    if (symbol && (symbol.kind === 'driver' || symbol.kind === 'actor')) {
      this.sim.symbols.reference(node.name, node);
      this.problem(
        'wrong-kind',
        node,
        `\`${node.name}\` is ${symbol.kind === 'driver' ? 'a driver' : 'an actor'}, not a value`,
      );
      return undefined;
    }
    const later = this.laterBindings.get(node.name);
    if (later !== undefined && later > node.start) {
      this.problem(
        'used-before-defined',
        node,
        `\`${node.name}\` is defined later in the scenario; steps run in order`,
        [{ range: { start: later, end: later + node.name.length }, message: 'defined here' }],
      );
    } else if (symbol) {
      // Defined, but its step produced nothing usable (already reported there).
      this.sim.symbols.reference(node.name, node);
    } else {
      const similar = [...this.values.keys()].find((k) => k.toLowerCase() === node.name.toLowerCase());
      const dash = node.name.includes('-') && node.name.split('-').every((part) => this.values.has(part));
      this.problem(
        'unknown-name',
        node,
        dash
          ? `\`${node.name}\` reads as one name; write subtraction with spaces: \`${node.name.split('-').join(' - ')}\``
          : `unknown name \`${node.name}\`${similar ? `; did you mean \`${similar}\`?` : ''}`,
      );
    }
    return undefined;
  }

  private bind(step: StepNode, binds: BindingKind, outcome: Outcome, index: number): void {
    const name = step.binding;
    if (!name) return;
    if (isReservedWord(name.name)) {
      this.problem('reserved-name', name, `\`${name.name}\` is a word of the language; choose another name`);
    }
    const existing = this.sim.symbols.get(name.name);
    if (existing) {
      this.problem(
        'duplicate-name',
        name,
        `\`${name.name}\` is already defined; names are defined once per scenario`,
        existing.definition ? [{ range: existing.definition, message: 'first defined here' }] : [],
      );
      return;
    }
    const kind: SymbolKind = binds;
    this.sim.symbols.define({ name: name.name, kind, definition: name, statement: step, stepIndex: index });
    if (this.values.has(name.name)) return; // open() and the Vulkan layer bind their own values
    let value: RuntimeValue;
    switch (outcome.kind) {
      case 'address':
        value = { kind: 'address', value: outcome.value, step: index };
        break;
      case 'errno':
        value = { kind: 'failed', step: index, reason: outcome.errno };
        break;
      case 'vk':
        value =
          outcome.result === 'VK_SUCCESS'
            ? { kind: 'status', step: index }
            : { kind: 'failed', step: index, reason: outcome.result };
        break;
      case 'fault':
        value = { kind: 'failed', step: index, reason: outcome.signal };
        break;
      case 'skipped':
        value = { kind: 'failed', step: index, reason: outcome.reason };
        break;
      case 'data': {
        const datum = this.sim.tagOfStep.get(index);
        value = datum !== undefined ? { kind: 'data', datum, step: index } : { kind: 'status', step: index };
        break;
      }
      default:
        value = { kind: 'status', step: index };
    }
    const memory = this.vulkan.memoryCreatedAt(index) ?? this.gl.memoryCreatedAt(index);
    if (memory && binds === 'memory') value = { kind: 'memory', memory, step: index };
    this.values.set(name.name, value);
  }

  // ---- expectations ----

  private checkExpectation(node: ExpectNode): void {
    const afterStep = this.sim.records.length - 1;
    const e = node.expectation;
    let passed: boolean | undefined;
    let detail = '';
    const actor = 'app';
    switch (e.form) {
      case 'diagnostic':
        // Checked after the rules ran (analysis.ts), against the step before this line.
        passed = undefined;
        detail = e.code ? `diagnostic ${e.code} on step ${afterStep + 1}` : '';
        break;
      case 'mapped': {
        const address = e.address ? this.evaluateArg(e.address, 'address', actor) : undefined;
        const length = e.length ? this.evaluateArg(e.length, 'length', actor) : this.sim.pageSize;
        if (address === undefined || length === undefined) break;
        const firstPage = this.sim.pageOf(address);
        const lastPage = this.sim.pageOf(address + (length > 0n ? length - 1n : 0n));
        let allMapped = true;
        let anyMapped = false;
        for (let page = firstPage; page <= lastPage;) {
          const vma = this.sim.space.vmaAt(page);
          if (vma) {
            anyMapped = true;
            page = vma.endPage;
          } else {
            allMapped = false;
            page++;
            const next = this.sim.space.vmas().find((v: import('../kernel/types').Vma) => v.startPage > page);
            page = next ? Math.min(next.startPage, lastPage + 1) : lastPage + 1;
          }
        }
        passed = e.negated ? !anyMapped : allMapped;
        detail = `${formatHex(address)}..${formatHex(address + length)} is ${allMapped ? 'mapped' : anyMapped ? 'partly mapped' : 'not mapped'}`;
        break;
      }
      case 'read': {
        const reader = e.actor ? e.actor.name : 'host';
        if (e.actor) this.sim.symbols.reference(e.actor.name, e.actor);
        const target = e.address ? this.memoryTarget(e.address, reader) : undefined;
        if (target === null) break;
        const address = target
          ? undefined
          : e.address
            ? this.evaluateArg(e.address, 'address', reader)
            : undefined;
        const length = e.length ? this.evaluateArg(e.length, 'length', reader) : undefined;
        if ((address === undefined && !target) || length === undefined || !e.value) break;
        const result = target
          ? this.vulkan.driverRead(reader, target.memory, target.offset, length)
          : this.sim.read(reader, address ?? 0n, length);
        if (!result) {
          passed = undefined;
          detail = `${reader} has no mapping of ${target?.memory.name} to read`;
          this.problem('expectation-failed', node, `cannot check: ${detail}`);
          break;
        }
        const actual = result.ok ? describeSegments(result, this.sim) : result.signal;
        const expected = this.expectedData(e.value);
        if (!expected) break;
        const matches = result.ok
          ? expected.kind === 'datum' &&
            result.segments.every((s) => s.datum === expected.datum) &&
            result.segments.length > 0
          : expected.kind === 'signal' && expected.signal === result.signal;
        passed = e.op === '==' ? matches : !matches;
        detail = `${reader} reads ${actual}${address !== undefined ? ` at ${formatHex(address)}` : ` from ${target?.memory.name}`}`;
        break;
      }
      case 'value': {
        if (!e.subject || !e.value) break;
        const comparison = this.compareValue(e.subject, e.value);
        if (!comparison) break;
        passed = e.op === '==' ? comparison.equal : !comparison.equal;
        detail = comparison.actual;
        break;
      }
    }
    afterUffdStep(this.sim); // a read in an expectation can fault pages in too
    const record: ExpectRecord = { node, afterStep, passed, detail };
    this.sim.expects.push(record);
    if (passed === false) {
      this.sim.findings.push({
        code: 'expectation-failed',
        range: node,
        message: `expectation failed: ${detail}`,
      });
    }
  }

  private expectedData(
    value: Argument,
  ): { kind: 'datum'; datum: number } | { kind: 'signal'; signal: 'SIGSEGV' | 'SIGBUS' } | undefined {
    if (value.kind === 'name') {
      if (value.name === 'zero') return { kind: 'datum', datum: 0 };
      if (value.name === 'SIGSEGV' || value.name === 'SIGBUS') return { kind: 'signal', signal: value.name };
      const bound = this.values.get(value.name);
      if (bound?.kind === 'data') {
        this.sim.symbols.reference(value.name, value);
        return { kind: 'datum', datum: bound.datum };
      }
    }
    if (value.kind === 'string') {
      this.problem(
        'wrong-kind',
        value,
        'expected a byte (`0xAB`), `zero`, the name of a write, SIGSEGV or SIGBUS',
      );
      return undefined;
    }
    const v = this.evaluateArg(value, 'value', 'app');
    if (v === undefined) return undefined;
    if (v > 0xffn) {
      this.problem(
        'number-out-of-range',
        value,
        'a read is compared with one byte value (0x00..0xff), `zero`, or the name of a write',
      );
      return undefined;
    }
    return { kind: 'datum', datum: Number(v) };
  }

  private compareValue(subject: Expression, value: Argument): { equal: boolean; actual: string } | undefined {
    // `expect b == EINVAL` / `== ok` / `== VK_ERROR_…`: compare a step's outcome.
    const stepValue = subject.kind === 'name' ? this.values.get(subject.name) : undefined;
    const symbol = subject.kind === 'name' ? this.sim.symbols.get(subject.name) : undefined;
    const outcomeWord =
      value.kind === 'name' &&
      (ERRNO_NAMES.includes(value.name) ||
        VK_RESULT_NAMES.includes(value.name) ||
        value.name === 'ok' ||
        value.name === 'SIGSEGV' ||
        value.name === 'SIGBUS');
    if (
      subject.kind === 'name' &&
      symbol?.stepIndex !== undefined &&
      (outcomeWord || stepValue?.kind !== 'address')
    ) {
      this.sim.symbols.reference(subject.name, subject);
      const record = this.sim.records[symbol.stepIndex];
      if (!record) return undefined;
      const actual = outcomeWord
        ? outcomeName(record.outcome)
        : outcomeText(record.outcome).replace(/^→ /, '');
      if (!outcomeWord) {
        if (value.kind === 'string') return undefined;
        const expected = this.evaluateArg(value, 'value', 'app');
        if (expected === undefined) return undefined;
        return {
          equal: record.outcome.kind === 'address' && record.outcome.value === expected,
          actual: `${subject.name} is ${actual}`,
        };
      }
      const expectedName = (value as NameExpression).name;
      return {
        equal: actual === expectedName,
        actual: `${subject.name} is ${actual}${record.outcome.kind === 'errno' ? ` (${record.outcome.reason})` : ''}`,
      };
    }
    if (value.kind === 'string') {
      this.problem('wrong-kind', value, 'expected a number, an address expression, an errno or ok');
      return undefined;
    }
    if (outcomeWord) {
      this.problem(
        'wrong-kind',
        subject,
        `only a step's name can be compared with ${(value as NameExpression).name}`,
      );
      return undefined;
    }
    const left = this.evaluateArg(subject, 'value', 'app');
    const right = this.evaluateArg(value, 'value', 'app');
    if (left === undefined || right === undefined) return undefined;
    return {
      equal: left === right,
      actual: `${this.describe(subject)} is ${formatHex(left)}, expected ${formatHex(right)}`,
    };
  }

  private describe(e: Expression): string {
    return e.kind === 'name' ? e.name : 'the value';
  }

  private problem(
    code: string,
    range: { start: number; end: number },
    message: string,
    related?: LanguageProblem['related'],
  ): void {
    this.problems.push(
      related
        ? { code, range: { start: range.start, end: range.end }, message, related }
        : { code, range: { start: range.start, end: range.end }, message },
    );
  }
}

/** A step's record; its result text is formatted on first read (hover and hints ask for few). */
class RecordedStep implements StepRecord {
  private text: string | undefined;

  constructor(
    readonly index: number,
    readonly node: StepNode,
    readonly actor: string,
    readonly calls: readonly import('./records').CallRecord[],
    readonly outcome: Outcome,
  ) {}

  get resultText(): string {
    return (this.text ??= outcomeText(this.outcome));
  }
}

function skipped(): Outcome {
  return { kind: 'skipped', reason: 'missing or invalid arguments' };
}

export function syscallOutcome(
  result: import('../kernel/types').SyscallResult,
  returnsAddress = true,
): Outcome {
  if (!result.ok) return { kind: 'errno', errno: result.errno, reason: result.reason };
  return returnsAddress ? { kind: 'address', value: result.value } : { kind: 'ok' };
}

function accessOutcome(result: AccessResult, summary: string): Outcome {
  if (!result.ok)
    return { kind: 'fault', signal: result.signal, address: result.address, reason: result.reason };
  return { kind: 'data', summary };
}

export function outcomeText(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'address':
      return `→ ${formatHex(outcome.value)}`;
    case 'ok':
      return '→ ok';
    case 'errno':
      return `→ ${outcome.errno}`;
    case 'vk':
      return `→ ${outcome.result}`;
    case 'data':
      return outcome.summary ? `→ ${outcome.summary}` : '';
    case 'fault':
      return `→ ${outcome.signal}`;
    case 'skipped':
      return '';
  }
}

function outcomeName(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'errno':
      return outcome.errno;
    case 'vk':
      return outcome.result === 'VK_SUCCESS' ? 'ok' : outcome.result;
    case 'fault':
      return outcome.signal;
    case 'skipped':
      return 'skipped';
    default:
      return 'ok';
  }
}

export function describeSegments(result: AccessResult, sim: Simulation): string {
  if (!result.ok) return result.signal;
  const parts = result.segments.map((s) => {
    const tag = sim.tags.get(s.datum);
    const what =
      s.datum < 256 ? `0x${s.datum.toString(16).padStart(2, '0')}` : tag ? tag.label : `data#${s.datum}`;
    return result.segments.length === 1 ? what : `${what}×${s.length}`;
  });
  return parts.join(', ');
}

export type { Errno, Word };
export { PROT_READ, PROT_WRITE };
