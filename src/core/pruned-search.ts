import type MiniSearch from 'minisearch';
import { CompactPostings } from './compact-postings.ts';

/**
 * The parts of MiniSearch 7's index that pruned evaluation reads: per-term postings
 * (`_index.get(term)` → field id → short document id → term frequency), field lengths and
 * document ids. They are private in MiniSearch's types; `tests/core/pruned-search.test.ts`
 * compares every ranking with MiniSearch's own search, so a release that changes them fails
 * there rather than in production.
 */
interface MiniSearchInternals {
  _index: { get(term: string): Map<number, Map<number, number>> | undefined };
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _documentIds: Map<number, string>;
  _nextId: number;
  _dirtCount: number;
}

/** BM25+ parameters, as MiniSearch names them. */
export interface Bm25Parameters {
  k: number;
  b: number;
  d: number;
}

/** How the index scores: its fields in MiniSearch's order, their boosts, BM25+ parameters. */
export interface ScoringSettings {
  fields: readonly string[];
  boost: Readonly<Record<string, number>>;
  bm25: Bm25Parameters;
}

/** One term of a query; `alternative` terms are summed apart, as MiniSearch's OR sub-query does. */
export interface WeightedTerm {
  term: string;
  /** MiniSearch's `boostTerm`: 1 for the asker's words, less for vocabulary alternatives. */
  weight: number;
  alternative: boolean;
}

/** A passage with its score: BM25+ summed over matched terms (MiniSearch's multiplier undone). */
export interface ScoredPassage {
  passageId: string;
  documentId: string;
  score: number;
  /** The matched query terms, in query order. */
  terms: string[];
}

interface FieldPostings {
  fieldId: number;
  /** Term boost × field boost, multiplied as MiniSearch multiplies them. */
  weight: number;
  idf: number;
  averageLength: number;
  postings: Map<number, number>;
  /** The postings' ids and frequencies, in their order, for the walks (`postingArrays`). */
  ids: ArrayLike<number>;
  frequencies: ArrayLike<number>;
  /** No passage can get more than this from the term in this field. */
  upperBound: number;
}

interface PreparedTerm extends WeightedTerm {
  fields: FieldPostings[];
  /** No passage can get more than this from the term. */
  upperBound: number;
}

/** The largest BM25 saturation `tf·(k+1)/(tf+k·(1−b+b·len/avg))` over a posting list. */
interface SaturationBound {
  /** Valid while the field's average length stays at or below this. */
  averageLength: number;
  saturation: number;
}

/** A field length no passage has: the passage is not (or no longer) in the index. */
const NO_LENGTH = 0xffffffff;
/** Bounds stay valid while the average field length grows by up to this factor. */
const AVERAGE_LENGTH_SLACK = 1.05;
/** Bounds are raised by this much so float rounding can never make them too low. */
const ROUNDING_MARGIN = 1 + 1e-9;

/**
 * Ranks passages over MiniSearch's postings with the scores `MiniSearch.search` gives an OR
 * query of the same terms (summed in the same order, so equal to the last bit), but without
 * walking the postings of common words when they can no longer change the result.
 *
 * This is MaxScore (Turtle and Flood, 1995) over term-at-a-time postings: a passage's score is
 * a sum over the query terms it contains, so it is at most the sum of those terms' upper
 * bounds. Terms are visited from the largest bound down (the rare words first); each passage
 * met is scored in full at once by looking its id up in every term's postings. Once `limit`
 * passages are held and the bounds of the terms not yet visited add up to less than the worst
 * of them, no passage not yet met can enter, and the remaining postings are never walked.
 * A term's bound uses the best saturation over its postings, computed on first use and cached
 * until a passage with that term is added.
 *
 * @example
 * const pruned = new PrunedSearch(miniSearch, { fields: ['title', 'text'], boost: { title: 1.5 }, bm25 }, documentOf);
 * pruned.top([{ term: 'passport', weight: 1, alternative: false }], () => true, 30);
 */
export class PrunedSearch {
  readonly #index: MiniSearchInternals;
  readonly #settings: ScoringSettings;
  readonly #documentOf: (passageId: string) => string;
  /** Per term, per field id. */
  readonly #bounds = new Map<string, Array<SaturationBound | undefined>>();

  /** @param documentOf the document a passage id belongs to, for `visible`. */
  constructor(
    miniSearch: MiniSearch<never> | MiniSearch<unknown>,
    settings: ScoringSettings,
    documentOf: (passageId: string) => string,
  ) {
    this.#index = miniSearch as unknown as MiniSearchInternals;
    this.#settings = settings;
    this.#documentOf = documentOf;
  }

  /**
   * Whether pruned evaluation gives MiniSearch's exact scores: not while discarded documents
   * linger in the postings (MiniSearch counts them out of a term's frequency lazily).
   */
  get exact(): boolean {
    return this.#index._dirtCount === 0;
  }

  /** Forgets the bounds of terms whose postings grew. */
  invalidate(terms: Iterable<string>): void {
    for (const term of terms) this.#bounds.delete(term);
  }

  /** The best `limit` passages among those `visible` accepts, best first (ties by id). */
  top(
    query: readonly WeightedTerm[],
    visible: (documentId: string) => boolean,
    limit: number,
  ): ScoredPassage[] {
    if (limit <= 0) return [];
    const lengths = this.#mirrorLengths();
    const terms = query.map((term) => this.#prepare(term));
    const byBound = [...terms].sort((a, b) => b.upperBound - a.upperBound);
    // What a passage holding only the terms from position i on can score at most.
    const remaining = byBound.map((term) => term.upperBound);
    for (let i = remaining.length - 2; i >= 0; i--) remaining[i]! += remaining[i + 1]!;
    const { k, b, d } = this.#settings.bm25;
    const best: ScoredPassage[] = [];
    const seen = this.#startVisit();
    const stamp = this.#visit;
    let worst = -Infinity;
    // The terms the passage being scored matched: one array for all, copied for those kept.
    const matched: string[] = [];
    walk: for (const [position, next] of byBound.entries()) {
      if (remaining[position]! * ROUNDING_MARGIN < worst) break;
      const later = remaining[position + 1] ?? 0;
      for (const field of next.fields) {
        // A passage first met here holds none of the terms visited before: it scores at most
        // its exact share of this term in this field, the term's other fields, and the later terms.
        const besides = next.upperBound - field.upperBound + later;
        const share = field.weight * field.idf;
        const lengthWeight = (k * b) / field.averageLength;
        const fieldLengths = lengths[field.fieldId]!;
        const { ids, frequencies } = field;
        for (let posting = 0; posting < ids.length; posting++) {
          const shortId = ids[posting]!;
          if (seen[shortId] === stamp) continue;
          seen[shortId] = stamp;
          if (worst > -Infinity) {
            const length = fieldLengths[shortId]!;
            if (length === NO_LENGTH) continue;
            const frequency = frequencies[posting]!;
            const saturation =
              (frequency * (k + 1)) / (frequency + k * (1 - b) + lengthWeight * length);
            if ((share * (d + saturation) + besides) * ROUNDING_MARGIN < worst) continue;
          }
          const score = this.#score(shortId, terms, lengths, matched);
          // The passage's id only for a score that can enter (ties are ranked by id).
          if (best.length === limit && score < best[limit - 1]!.score) continue;
          const passageId = this.#index._documentIds.get(shortId);
          if (passageId === undefined) continue;
          const scored = { passageId, documentId: '', score, terms: matched };
          if (best.length === limit && !ranksBefore(scored, best[limit - 1]!)) continue;
          // Only for passages good enough to enter: most passages met never get this far.
          scored.documentId = this.#documentOf(scored.passageId);
          if (!visible(scored.documentId)) continue;
          scored.terms = [...matched];
          insertRanked(best, scored, limit);
          if (best.length < limit) continue;
          worst = best[limit - 1]!.score;
          // Nothing met from now on can enter once the worst held beats every bound left.
          if (remaining[position]! * ROUNDING_MARGIN < worst) break walk;
        }
      }
    }
    return best;
  }

  /**
   * MiniSearch's field lengths, by field id and then short id (`NO_LENGTH` for none): the walks
   * read one per posting, and a typed array answers several times faster than its `Map`.
   * Short ids only grow, so passages added since are mirrored on the next search.
   */
  #lengths: Uint32Array[] = [];
  #mirrored = 0;
  #mirroredFrom: Map<number, number[]> | undefined;

  #mirrorLengths(): Uint32Array[] {
    const { _fieldLength: source, _nextId: next, _fieldIds: fieldIds } = this.#index;
    if (source !== this.#mirroredFrom || next < this.#mirrored) {
      this.#lengths = [];
      this.#mirrored = 0;
      this.#mirroredFrom = source;
    }
    if (this.#mirrored === next) return this.#lengths;
    for (const fieldId of Object.values(fieldIds)) {
      const old = this.#lengths[fieldId] ?? new Uint32Array(0);
      if (old.length >= next) continue;
      const grown = new Uint32Array(Math.max(next, old.length * 2)).fill(NO_LENGTH);
      grown.set(old.subarray(0, this.#mirrored));
      this.#lengths[fieldId] = grown;
    }
    for (let shortId = this.#mirrored; shortId < next; shortId++) {
      const lengths = source.get(shortId);
      for (const fieldId of Object.values(fieldIds)) {
        this.#lengths[fieldId]![shortId] = lengths?.[fieldId] ?? NO_LENGTH;
      }
    }
    this.#mirrored = next;
    return this.#lengths;
  }

  /** Visit stamps by short id: a passage is met when its stamp is this query's. */
  #seen = new Uint32Array(0);
  #visit = 0;

  #startVisit(): Uint32Array {
    const size = this.#index._nextId;
    if (this.#seen.length < size)
      this.#seen = new Uint32Array(Math.max(size, this.#seen.length * 2));
    this.#visit += 1;
    if (this.#visit === 0xffffffff) {
      this.#seen.fill(0);
      this.#visit = 1;
    }
    return this.#seen;
  }

  #prepare(term: WeightedTerm): PreparedTerm {
    const { fields, boost, bm25 } = this.#settings;
    const data = this.#index._index.get(term.term);
    const prepared: FieldPostings[] = [];
    let upperBound = 0;
    for (const field of fields) {
      const fieldId = this.#index._fieldIds[field]!;
      const postings = data?.get(fieldId);
      if (postings === undefined || postings.size === 0) continue;
      const averageLength = this.#index._avgFieldLength[fieldId]!;
      const matching = postings.size;
      const total = this.#index._documentCount;
      // MiniSearch's calcBM25Score, term by term, so the scores agree to the last bit.
      const idf = Math.log(1 + (total - matching + 0.5) / (matching + 0.5));
      const weight = term.weight * (boost[field] ?? 1);
      const { ids, frequencies } = postingArrays(postings);
      const saturation = this.#saturation(term.term, fieldId, ids, frequencies, averageLength);
      const fieldBound = weight * idf * (bm25.d + saturation);
      prepared.push({
        fieldId,
        weight,
        idf,
        averageLength,
        postings,
        ids,
        frequencies,
        upperBound: fieldBound,
      });
      upperBound += fieldBound;
    }
    return { ...term, fields: prepared, upperBound };
  }

  #saturation(
    term: string,
    fieldId: number,
    ids: ArrayLike<number>,
    frequencies: ArrayLike<number>,
    averageLength: number,
  ): number {
    let bounds = this.#bounds.get(term);
    const cached = bounds?.[fieldId];
    if (cached && averageLength <= cached.averageLength) return cached.saturation;
    const { k, b } = this.#settings.bm25;
    const reference = averageLength * AVERAGE_LENGTH_SLACK;
    const lengths = this.#mirrorLengths()[fieldId]!;
    let saturation = 0;
    for (let position = 0; position < ids.length; position++) {
      const length = lengths[ids[position]!]!;
      if (length === NO_LENGTH) continue;
      const frequency = frequencies[position]!;
      const value = (frequency * (k + 1)) / (frequency + k * (1 - b + (b * length) / reference));
      if (value > saturation) saturation = value;
    }
    if (!bounds) this.#bounds.set(term, (bounds = []));
    bounds[fieldId] = { averageLength: reference, saturation };
    return saturation;
  }

  /**
   * The passage's full score over every query term, summed in MiniSearch's order; `matched`
   * is filled with the terms it matched. Field lengths come from `lengths` (the mirror of
   * MiniSearch's, one per field), not from MiniSearch's `Map`.
   */
  #score(
    shortId: number,
    terms: readonly PreparedTerm[],
    lengths: readonly Uint32Array[],
    matched: string[],
  ): number {
    const { k, b, d } = this.#settings.bm25;
    let main = 0;
    let alternatives = 0;
    matched.length = 0;
    for (const term of terms) {
      let termScore = 0;
      let found = false;
      for (const field of term.fields) {
        const frequency = field.postings.get(shortId);
        if (frequency === undefined) continue;
        found = true;
        const length = lengths[field.fieldId]![shortId]!;
        const raw =
          field.idf *
          (d +
            (frequency * (k + 1)) / (frequency + k * (1 - b + (b * length) / field.averageLength)));
        termScore += field.weight * raw;
      }
      if (!found) continue;
      if (term.alternative) alternatives += termScore;
      else main += termScore;
      if (!matched.includes(term.term)) matched.push(term.term);
    }
    const count = matched.length;
    // MiniSearch multiplies by the number of matched terms and PassageIndex divides it out.
    return ((main + alternatives) * (count || 1)) / Math.max(1, count);
  }
}

/**
 * A posting list's ids and frequencies as two arrays, in its iteration order: the compact
 * list's own (views, no copy), a `Map`'s copied. Walking them allocates nothing per posting,
 * where iterating the list makes an entry array and an iterator result for each.
 */
function postingArrays(postings: Map<number, number>): {
  ids: ArrayLike<number>;
  frequencies: ArrayLike<number>;
} {
  if (postings instanceof CompactPostings) {
    return { ids: postings.sortedIds(), frequencies: postings.frequencies() };
  }
  return { ids: [...postings.keys()], frequencies: [...postings.values()] };
}

function ranksBefore(a: ScoredPassage, b: ScoredPassage): boolean {
  return a.score > b.score || (a.score === b.score && a.passageId.localeCompare(b.passageId) < 0);
}

/** Inserts into a list kept sorted best first and at most `limit` long. */
function insertRanked(list: ScoredPassage[], item: ScoredPassage, limit: number): void {
  let position = list.length;
  while (position > 0 && ranksBefore(item, list[position - 1]!)) position--;
  list.splice(position, 0, item);
  if (list.length > limit) list.pop();
}
