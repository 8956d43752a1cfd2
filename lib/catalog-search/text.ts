/**
 * Text handling of the metadata search: tokens and the one-edit test behind typo tolerance. Pure.
 *
 * Tokens are lower-case, without diacritics (so `catégorie` meets `categorie`), split on anything that is not a
 * letter or a digit; snake_case names give their parts (`customer_email` -> customer, email).
 */

export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

export function tokenize(text: string): string[] {
  return normalize(text)
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

/**
 * Whether `a` and `b` are at most one edit apart (one insertion, deletion, substitution, or a swap of two
 * neighbouring letters, as typists make them). Linear time: no full edit-distance matrix.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
