// Looking a word of the file up in a fixed table: `table[word]` also finds what every object
// inherits, so `preset toString` or `preset __proto__` would "find" a function or
// Object.prototype. Only the table's own entries are words of the language.

/** `table[key]` when `key` is one of the table's own entries, otherwise undefined. */
export function ownEntry<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
