/**
 * A small BM25F index: documents with named text fields, each field with its own boost, queries whose terms match
 * index terms exactly, by prefix, or one edit away (each at a lower weight). Pure and in memory: the catalog is
 * thousands of documents, not millions, and a hand-written index keeps the ranking rules in view and adds no
 * dependency.
 */
import { tokenize, withinOneEdit } from './text';

export interface FieldSpec {
  readonly boost: number;
}

export interface IndexedDoc<F extends string> {
  readonly id: string;
  readonly fields: Readonly<Record<F, string>>;
}

export interface Match<F extends string> {
  readonly id: string;
  readonly score: number;
  /** field -> index terms of the document that matched */
  readonly matched: Partial<Record<F, string[]>>;
}

/** How much a looser match counts, relative to an exact term. */
export const MATCH_WEIGHT = { exact: 1, prefix: 0.7, typo: 0.45 } as const;
const K1 = 1.2;
const B = 0.75;

interface Posting {
  readonly doc: number;
  readonly tf: number;
}

export class Bm25Index<F extends string> {
  private readonly postings = new Map<string, Map<F, Posting[]>>();
  private readonly lengths: Record<string, number[]> = {};
  private readonly avg: Record<string, number> = {};
  private readonly ids: string[] = [];
  /** index terms by first letter, for prefix and typo candidates */
  private readonly byInitial = new Map<string, string[]>();

  constructor(
    private readonly spec: Readonly<Record<F, FieldSpec>>,
    docs: readonly IndexedDoc<F>[],
  ) {
    const fields = Object.keys(spec) as F[];
    for (const f of fields) this.lengths[f] = [];
    docs.forEach((d, n) => {
      this.ids.push(d.id);
      for (const f of fields) {
        const tokens = tokenize(d.fields[f]);
        (this.lengths[f] as number[]).push(tokens.length);
        const tf = new Map<string, number>();
        for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
        for (const [term, count] of tf) {
          const perField = this.postings.get(term) ?? new Map<F, Posting[]>();
          const list = perField.get(f) ?? [];
          list.push({ doc: n, tf: count });
          perField.set(f, list);
          this.postings.set(term, perField);
        }
      }
    });
    for (const f of fields) {
      const l = this.lengths[f] as number[];
      this.avg[f] = l.length ? l.reduce((a, b) => a + b, 0) / l.length || 1 : 1;
    }
    for (const term of this.postings.keys()) {
      const k = term[0] ?? '';
      const list = this.byInitial.get(k) ?? [];
      list.push(term);
      this.byInitial.set(k, list);
    }
  }

  get size(): number {
    return this.ids.length;
  }

  /** Index terms a query token reaches, each with its weight (the best kind of match wins). */
  expand(token: string): Map<string, number> {
    const out = new Map<string, number>();
    if (this.postings.has(token)) out.set(token, MATCH_WEIGHT.exact);
    const candidates = new Set([
      ...(this.byInitial.get(token[0] ?? '') ?? []),
      // a typo in the first letter
      ...(token.length >= 4 ? [...this.postings.keys()].filter((t) => t.length >= token.length - 1) : []),
    ]);
    for (const term of candidates) {
      if (out.has(term)) continue;
      if (token.length >= 2 && term.startsWith(token)) out.set(term, MATCH_WEIGHT.prefix);
      else if (token.length >= 4 && withinOneEdit(token, term)) out.set(term, MATCH_WEIGHT.typo);
    }
    return out;
  }

  search(query: string, accept: (id: string) => boolean = () => true): Match<F>[] {
    const n = this.ids.length;
    const scores = new Map<number, { score: number; matched: Partial<Record<F, string[]>> }>();
    for (const token of new Set(tokenize(query))) {
      for (const [term, weight] of this.expand(token)) {
        const perField = this.postings.get(term);
        if (!perField) continue;
        const df = new Set([...perField.values()].flatMap((l) => l.map((p) => p.doc))).size;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (const [field, list] of perField) {
          const boost = this.spec[field].boost;
          const avg = this.avg[field] ?? 1;
          const lengths = this.lengths[field] ?? [];
          for (const p of list) {
            if (!accept(this.ids[p.doc] ?? '')) continue;
            const len = lengths[p.doc] ?? 0;
            const tfPart = (p.tf * (K1 + 1)) / (p.tf + K1 * (1 - B + (B * len) / avg));
            const s = scores.get(p.doc) ?? { score: 0, matched: {} as Partial<Record<F, string[]>> };
            s.score += weight * boost * idf * tfPart;
            const m = s.matched[field] ?? [];
            if (!m.includes(term)) m.push(term);
            s.matched[field] = m;
            scores.set(p.doc, s);
          }
        }
      }
    }
    return [...scores.entries()]
      .map(([doc, s]) => ({ id: this.ids[doc] ?? '', score: s.score, matched: s.matched }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  }
}
