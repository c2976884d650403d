// "Did you mean …?": the known word nearest a misspelt one, when one is near enough to be a
// likely typo (an edit or two, a swap of neighbours counting as one; never more than a third of
// the word). Actor names may be short (`ap` for `app`): for them a two-letter word gets one edit
// too, when a single known name is that near. Not for every word: among the step words one edit
// is a guess (`px`, a misspelt binding, is one edit from `rx` alone).

/**
 * The word of `known` closest to `word` by edit distance, or undefined when none is close.
 * `twoLetters`: a two-letter word may be one edit from the word meant (actor and driver names).
 */
export function closestWord(
  word: string,
  known: Iterable<string>,
  options: { readonly twoLetters?: boolean } = {},
): string | undefined {
  const lower = word.toLowerCase();
  if (lower.length === 2 && options.twoLetters === true) return onlyWordOneEditAway(lower, known);
  const limit = Math.min(2, Math.floor(lower.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * For a two-letter word: the known word it is (any case), or the one known word an edit away;
 * undefined when none is, or several are (`ap` with actors `app` and `up`): one edit is half the
 * word, so only an unambiguous one is a likely typo.
 */
function onlyWordOneEditAway(lower: string, known: Iterable<string>): string | undefined {
  let found: string | undefined;
  let ambiguous = false;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase(), 2);
    if (distance === 0) return candidate;
    if (distance !== 1) continue;
    if (found === undefined) found = candidate;
    else if (found.toLowerCase() !== candidate.toLowerCase()) ambiguous = true;
  }
  return ambiguous ? undefined : found;
}

/**
 * Edit distance counting a swap of two neighbours as one edit (`mmpa` → `mmap`), as typos are;
 * `cap` as soon as it is known to be at least that.
 */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length]!, cap);
}

/**
 * `did you mean \`WORD\`?`: every message that suggests a spelling says it this way, because the
 * code actions read this wording to offer the word as a quick fix (features/code-actions.ts).
 */
export function didYouMeanText(similar: string): string {
  return `did you mean \`${similar}\`?`;
}

/** `; did you mean \`WORD\`?` for the closest known word, or '' when none is close. */
export function didYouMean(
  word: string | undefined,
  known: Iterable<string>,
  options: { readonly twoLetters?: boolean } = {},
): string {
  const similar = word === undefined ? undefined : closestWord(word, known, options);
  return similar === undefined || similar === word ? '' : `; ${didYouMeanText(similar)}`;
}
