import MiniSearch, { type Options } from 'minisearch';
import { CompactPostings } from './compact-postings.ts';

/** MiniSearch 7's private fields that a snapshot reads and fills (see `pruned-search.ts`). */
interface SnapshotInternals {
  _documentCount: number;
  _nextId: number;
  _fieldIds: Record<string, number>;
  _avgFieldLength: number[];
  _dirtCount: number;
  _documentIds: Map<number, string>;
  _idToShortId: Map<string, number>;
  _fieldLength: Map<number, number[]>;
  _index: {
    get(term: string): Map<number, Map<number, number>> | undefined;
    set(term: string, data: Map<number, Map<number, number>>): void;
    [Symbol.iterator](): Iterator<[string, Map<number, Map<number, number>>]>;
  };
}

/** Gives back the room every compact posting list keeps for appends: after a bulk build. */
export function trimPostings(miniSearch: MiniSearch<never> | MiniSearch<unknown>): void {
  for (const [, fields] of (miniSearch as unknown as SnapshotInternals)._index) {
    for (const postings of fields.values()) {
      if (postings instanceof CompactPostings) postings.trim();
    }
  }
}

/**
 * Replaces the `Map` postings of these terms, in every field, by `CompactPostings`; lists
 * compacted already are left as they are. MiniSearch keeps writing to them through the `Map`
 * methods.
 *
 * @example
 * miniSearch.addAll(passages);
 * compactPostings(miniSearch, termsOfThosePassages);
 */
export function compactPostings(
  miniSearch: MiniSearch<never> | MiniSearch<unknown>,
  terms: Iterable<string>,
): void {
  const index = (miniSearch as unknown as SnapshotInternals)._index;
  for (const term of terms) {
    const fields = index.get(term);
    if (fields === undefined) continue;
    for (const [fieldId, postings] of fields) {
      if (!(postings instanceof CompactPostings)) {
        fields.set(fieldId, CompactPostings.from(postings));
      }
    }
  }
}

/**
 * A MiniSearch index as flat arrays of numbers, which `JSON.parse` reads several times faster
 * than MiniSearch's own JSON (objects keyed by numeric strings, converted back key by key).
 */
export interface IndexSnapshot {
  version: 1;
  documentCount: number;
  nextId: number;
  fieldIds: Record<string, number>;
  averageFieldLength: number[];
  /** Short ids, and the ids and field lengths at the same positions. */
  shortIds: number[];
  ids: string[];
  /** `fieldCount` lengths per document, in `shortIds` order. */
  fieldLengths: number[];
  terms: string[];
  /** Per term: `[fieldId, n, shortId, frequency × n, fieldId, n, …]`. */
  postings: number[][];
}

/**
 * Takes a snapshot of a MiniSearch index with no stored fields and no discarded documents.
 *
 * @example
 * const restored = restoreIndex(JSON.parse(JSON.stringify(snapshotIndex(index))), options);
 */
export function snapshotIndex(miniSearch: MiniSearch<never> | MiniSearch<unknown>): IndexSnapshot {
  const internals = miniSearch as unknown as SnapshotInternals;
  if (internals._dirtCount !== 0)
    throw new Error('cannot snapshot an index with discarded documents');
  const fieldCount = Object.keys(internals._fieldIds).length;
  const shortIds: number[] = [];
  const ids: string[] = [];
  const fieldLengths: number[] = [];
  for (const [shortId, id] of internals._documentIds) {
    shortIds.push(shortId);
    ids.push(id);
    const lengths = internals._fieldLength.get(shortId) ?? [];
    for (let field = 0; field < fieldCount; field++) fieldLengths.push(lengths[field] ?? 0);
  }
  const terms: string[] = [];
  const postings: number[][] = [];
  for (const [term, fields] of internals._index) {
    const flat: number[] = [];
    for (const [fieldId, frequencies] of fields) {
      flat.push(fieldId, frequencies.size);
      for (const [shortId, frequency] of frequencies) flat.push(shortId, frequency);
    }
    terms.push(term);
    postings.push(flat);
  }
  return {
    version: 1,
    documentCount: internals._documentCount,
    nextId: internals._nextId,
    fieldIds: internals._fieldIds,
    averageFieldLength: internals._avgFieldLength,
    shortIds,
    ids,
    fieldLengths,
    terms,
    postings,
  };
}

/** The MiniSearch index a snapshot was taken of, with `options` as it was built with. */
export function restoreIndex<T>(snapshot: IndexSnapshot, options: Options<T>): MiniSearch<T> {
  if (snapshot.version !== 1)
    throw new Error(`index snapshot version ${JSON.stringify(snapshot.version)}`);
  // MiniSearch's own loader sets the counters; the maps are filled below, without its conversions.
  const miniSearch = MiniSearch.loadJS<T>(
    {
      documentCount: snapshot.documentCount,
      nextId: snapshot.nextId,
      documentIds: {},
      fieldIds: snapshot.fieldIds,
      fieldLength: {},
      averageFieldLength: snapshot.averageFieldLength,
      storedFields: {},
      dirtCount: 0,
      index: [],
      serializationVersion: 2,
    },
    options,
  );
  const internals = miniSearch as unknown as SnapshotInternals;
  const fieldCount = Object.keys(snapshot.fieldIds).length;
  snapshot.shortIds.forEach((shortId, position) => {
    const id = snapshot.ids[position]!;
    internals._documentIds.set(shortId, id);
    internals._idToShortId.set(id, shortId);
    internals._fieldLength.set(
      shortId,
      snapshot.fieldLengths.slice(position * fieldCount, (position + 1) * fieldCount),
    );
  });
  snapshot.terms.forEach((term, position) => {
    const flat = snapshot.postings[position]!;
    const fields = new Map<number, Map<number, number>>();
    for (let at = 0; at < flat.length;) {
      const fieldId = flat[at]!;
      const count = flat[at + 1]!;
      const pairs: Array<[number, number]> = [];
      for (let entry = at + 2; entry < at + 2 + 2 * count; entry += 2) {
        pairs.push([flat[entry]!, flat[entry + 1]!]);
      }
      fields.set(fieldId, CompactPostings.from(pairs));
      at += 2 + 2 * count;
    }
    internals._index.set(term, fields);
  });
  return miniSearch;
}
