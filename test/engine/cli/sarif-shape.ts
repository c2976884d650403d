// A structural check of a SARIF 2.1.0 log: the parts code-scanning tools (GitHub code scanning,
// the SARIF viewer) require, with the types and value ranges the schema gives them.
import assert from 'node:assert/strict';

type Json = Record<string, unknown>;

const LEVELS = ['none', 'note', 'warning', 'error'];

function object(value: unknown, what: string): Json {
  assert.ok(
    value !== null && typeof value === 'object' && !Array.isArray(value),
    `${what} must be an object`,
  );
  return value as Json;
}

function array(value: unknown, what: string): unknown[] {
  assert.ok(Array.isArray(value), `${what} must be an array`);
  return value;
}

function message(value: unknown, what: string): void {
  const m = object(value, what);
  assert.equal(typeof m.text, 'string', `${what}.text must be a string`);
  assert.ok((m.text as string).length > 0, `${what}.text must not be empty`);
}

function positiveInteger(value: unknown, what: string): number {
  assert.ok(
    Number.isInteger(value) && (value as number) >= 1,
    `${what} must be an integer ≥ 1, is ${String(value)}`,
  );
  return value as number;
}

function physicalLocation(value: unknown, what: string, baseIds: ReadonlySet<string>): void {
  const p = object(value, what);
  const artifact = object(p.artifactLocation, `${what}.artifactLocation`);
  assert.equal(typeof artifact.uri, 'string', `${what}.artifactLocation.uri`);
  const uri = artifact.uri as string;
  // A relative reference (with a uriBaseId) or an absolute URI; never a raw Windows or POSIX absolute path.
  assert.ok(
    !uri.startsWith('/') && !/^[A-Za-z]:\\/.test(uri) && !uri.includes('\\'),
    `${what}: ${uri} is not a URI reference`,
  );
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri))
    assert.equal(typeof artifact.uriBaseId, 'string', `${what}: a relative uri needs a uriBaseId`);
  // A base id is one the run declares in originalUriBaseIds, so a reader knows what it stands for.
  if (artifact.uriBaseId !== undefined)
    assert.ok(
      baseIds.has(artifact.uriBaseId as string),
      `${what}: uriBaseId ${String(artifact.uriBaseId)} is not in originalUriBaseIds`,
    );
  if (p.region !== undefined) {
    const r = object(p.region, `${what}.region`);
    const startLine = positiveInteger(r.startLine, `${what}.region.startLine`);
    const startColumn = positiveInteger(r.startColumn, `${what}.region.startColumn`);
    const endLine = positiveInteger(r.endLine, `${what}.region.endLine`);
    const endColumn = positiveInteger(r.endColumn, `${what}.region.endColumn`);
    assert.ok(
      endLine > startLine || (endLine === startLine && endColumn >= startColumn),
      `${what}.region ends before it starts`,
    );
  }
}

/** Validates the log and returns its run for further checks. */
export function assertSarifShape(log: unknown): Json {
  const root = object(log, 'log');
  assert.equal(root.version, '2.1.0');
  assert.equal(typeof root.$schema, 'string');
  assert.match(root.$schema as string, /sarif.*2\.1\.0.*\.json$/);
  const runs = array(root.runs, 'runs');
  assert.equal(runs.length, 1);
  const run = object(runs[0], 'runs[0]');
  const driver = object(object(run.tool, 'tool').driver, 'tool.driver');
  assert.equal(driver.name, 'drvmap');
  assert.match(driver.informationUri as string, /^https:\/\//);
  const rules = array(driver.rules, 'driver.rules').map((r, i) => object(r, `rules[${i}]`));
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    assert.equal(typeof rule.id, 'string', `rules[${i}].id`);
    assert.ok(!ids.has(rule.id as string), `rule ${String(rule.id)} listed twice`);
    ids.add(rule.id as string);
    message(rule.shortDescription, `rules[${i}].shortDescription`);
    if (rule.fullDescription !== undefined) message(rule.fullDescription, `rules[${i}].fullDescription`);
    if (rule.help !== undefined) {
      message(rule.help, `rules[${i}].help`);
      const markdown = object(rule.help, `rules[${i}].help`).markdown;
      if (markdown !== undefined) assert.equal(typeof markdown, 'string', `rules[${i}].help.markdown`);
    }
    assert.match(rule.helpUri as string, /^https:\/\/.*#/, `rules[${i}].helpUri`);
    assert.ok(
      LEVELS.includes(object(rule.defaultConfiguration, `rules[${i}].defaultConfiguration`).level as string),
    );
  });
  const baseIds = new Set(
    Object.keys(
      run.originalUriBaseIds === undefined ? {} : object(run.originalUriBaseIds, 'originalUriBaseIds'),
    ),
  );
  if (run.artifacts !== undefined)
    array(run.artifacts, 'artifacts').forEach((value, i) =>
      physicalLocation(
        { artifactLocation: object(value, `artifacts[${i}]`).location },
        `artifacts[${i}]`,
        baseIds,
      ),
    );
  array(run.results, 'results').forEach((value, i) => {
    const result = object(value, `results[${i}]`);
    assert.ok(
      ids.has(result.ruleId as string),
      `results[${i}].ruleId ${String(result.ruleId)} is not a listed rule`,
    );
    if (result.ruleIndex !== undefined)
      assert.equal(rules[result.ruleIndex as number]?.id, result.ruleId, `results[${i}].ruleIndex`);
    assert.ok(LEVELS.includes(result.level as string), `results[${i}].level`);
    message(result.message, `results[${i}].message`);
    const locations = array(result.locations, `results[${i}].locations`);
    assert.ok(locations.length >= 1);
    for (const location of locations)
      physicalLocation(object(location, 'location').physicalLocation, `results[${i}].locations[]`, baseIds);
    if (result.suppressions !== undefined)
      for (const suppression of array(result.suppressions, `results[${i}].suppressions`)) {
        const sup = object(suppression, `results[${i}].suppressions[]`);
        assert.ok(['inSource', 'external'].includes(sup.kind as string), `results[${i}].suppressions[].kind`);
        if (sup.justification !== undefined) assert.equal(typeof sup.justification, 'string');
      }
    if (result.relatedLocations !== undefined) {
      for (const related of array(result.relatedLocations, `results[${i}].relatedLocations`)) {
        const r = object(related, 'relatedLocation');
        message(r.message, `results[${i}].relatedLocations[].message`);
        physicalLocation(r.physicalLocation, `results[${i}].relatedLocations[]`, baseIds);
      }
    }
  });
  if (run.invocations !== undefined)
    array(run.invocations, 'invocations').forEach((value, i) => {
      const invocation = object(value, `invocations[${i}]`);
      assert.equal(typeof invocation.executionSuccessful, 'boolean');
      for (const n of array(invocation.toolExecutionNotifications ?? [], 'toolExecutionNotifications')) {
        const notification = object(n, 'notification');
        assert.ok(LEVELS.includes(notification.level as string), 'notification.level');
        message(notification.message, 'notification.message');
      }
    });
  return run;
}
