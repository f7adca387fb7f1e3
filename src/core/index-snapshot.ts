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
 * A MiniSearch index as typed arrays, saved as bytes (`encodeSnapshot`) and loaded without
 * parsing a number: the postings become `CompactPostings` over the arrays read from the file.
 */
export interface IndexSnapshot {
  version: 2;
  documentCount: number;
  nextId: number;
  fieldIds: Record<string, number>;
  averageFieldLength: number[];
  /** Passage ids, and their short ids and field lengths at the same positions. */
  ids: string[];
  shortIds: Uint32Array;
  /** `fieldCount` lengths per document, in `ids` order. */
  fieldLengths: Uint32Array;
  terms: string[];
  /** Per posting list: the position of its term in `terms`, its field id, its number of postings. */
  lists: Uint32Array;
  /** Every list's short ids (ascending within a list), one list after the other. */
  postingIds: Uint32Array;
  /** The term frequency of each posting, in a byte unless one needs more. */
  frequencies: Uint8Array | Uint32Array;
}

/** The parts of a snapshot that are not typed arrays, as JSON at the start of the bytes. */
type SnapshotMeta = Pick<
  IndexSnapshot,
  'version' | 'documentCount' | 'nextId' | 'fieldIds' | 'averageFieldLength' | 'ids' | 'terms'
> & { lists: number; postings: number; wideFrequencies: boolean };

/**
 * Written first as a native 32-bit number: read back as another number, the bytes come from a
 * machine of the other byte order (or are not a snapshot), and the index is rebuilt.
 */
const MAGIC = 0x31_78_6e_66; // "fnx1" on little-endian machines

/**
 * Takes a snapshot of a MiniSearch index with no stored fields and no discarded documents.
 *
 * @example
 * const restored = restoreIndex(decodeSnapshot(encodeSnapshot(snapshotIndex(index))), options);
 */
export function snapshotIndex(miniSearch: MiniSearch<never> | MiniSearch<unknown>): IndexSnapshot {
  const internals = miniSearch as unknown as SnapshotInternals;
  if (internals._dirtCount !== 0)
    throw new Error('cannot snapshot an index with discarded documents');
  const fieldCount = Object.keys(internals._fieldIds).length;
  const documents = internals._documentIds.size;
  const shortIds = new Uint32Array(documents);
  const ids: string[] = [];
  const fieldLengths = new Uint32Array(documents * fieldCount);
  for (const [shortId, id] of internals._documentIds) {
    const lengths = internals._fieldLength.get(shortId) ?? [];
    for (let field = 0; field < fieldCount; field++) {
      fieldLengths[ids.length * fieldCount + field] = lengths[field] ?? 0;
    }
    shortIds[ids.length] = shortId;
    ids.push(id);
  }
  const terms: string[] = [];
  const lists: number[] = [];
  const postings: Array<Map<number, number>> = [];
  let total = 0;
  for (const [term, fields] of internals._index) {
    for (const [fieldId, frequencies] of fields) {
      lists.push(terms.length, fieldId, frequencies.size);
      postings.push(frequencies);
      total += frequencies.size;
    }
    terms.push(term);
  }
  const postingIds = new Uint32Array(total);
  const wide = postings.some((list) =>
    list instanceof CompactPostings
      ? list.frequencies() instanceof Uint32Array && list.frequencies().some((f) => f > 0xff)
      : [...list.values()].some((frequency) => frequency > 0xff),
  );
  const frequencies = wide ? new Uint32Array(total) : new Uint8Array(total);
  let at = 0;
  for (const list of postings) {
    if (list instanceof CompactPostings) {
      postingIds.set(list.sortedIds(), at);
      frequencies.set(list.frequencies(), at);
      at += list.size;
      continue;
    }
    for (const [shortId, frequency] of [...list].sort((a, b) => a[0] - b[0])) {
      postingIds[at] = shortId;
      frequencies[at] = frequency;
      at += 1;
    }
  }
  return {
    version: 2,
    documentCount: internals._documentCount,
    nextId: internals._nextId,
    fieldIds: { ...internals._fieldIds },
    averageFieldLength: [...internals._avgFieldLength],
    ids,
    shortIds,
    fieldLengths,
    terms,
    lists: Uint32Array.from(lists),
    postingIds,
    frequencies,
  };
}

/**
 * A snapshot as bytes: its JSON part's length and JSON, then each typed array, each starting
 * at a multiple of 4 bytes.
 *
 * @example
 * await writeFile(file, encodeSnapshot(snapshotIndex(miniSearch)));
 */
export function encodeSnapshot(snapshot: IndexSnapshot): Uint8Array {
  const meta: SnapshotMeta = {
    version: snapshot.version,
    documentCount: snapshot.documentCount,
    nextId: snapshot.nextId,
    fieldIds: snapshot.fieldIds,
    averageFieldLength: snapshot.averageFieldLength,
    ids: snapshot.ids,
    terms: snapshot.terms,
    lists: snapshot.lists.length / 3,
    postings: snapshot.postingIds.length,
    wideFrequencies: snapshot.frequencies instanceof Uint32Array,
  };
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const sections = [
    snapshot.shortIds,
    snapshot.fieldLengths,
    snapshot.lists,
    snapshot.postingIds,
    snapshot.frequencies,
  ];
  let length = aligned(8 + json.length);
  for (const section of sections) length = aligned(length + section.byteLength);
  const bytes = new Uint8Array(length);
  const words = new Uint32Array(bytes.buffer, 0, 2);
  words[0] = MAGIC;
  words[1] = json.length;
  bytes.set(json, 8);
  let at = aligned(8 + json.length);
  for (const section of sections) {
    bytes.set(new Uint8Array(section.buffer, section.byteOffset, section.byteLength), at);
    at = aligned(at + section.byteLength);
  }
  return bytes;
}

/**
 * The snapshot `encodeSnapshot` wrote. The arrays are copied out of `bytes` (which may start
 * anywhere in a file's buffer), so the buffer can go once the index is restored.
 */
export function decodeSnapshot(bytes: Uint8Array): IndexSnapshot {
  const header = copyOut(bytes, 0, 2, Uint32Array);
  if (header[0] !== MAGIC) throw new Error('not an index snapshot, or saved on another machine');
  const jsonLength = header[1]!;
  const meta = JSON.parse(
    new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength)),
  ) as SnapshotMeta;
  if (meta.version !== 2) throw new Error(`index snapshot version ${JSON.stringify(meta.version)}`);
  const fieldCount = Object.keys(meta.fieldIds).length;
  let at = aligned(8 + jsonLength);
  const next = <T extends Uint8Array | Uint32Array>(
    length: number,
    type: { new (length: number): T; BYTES_PER_ELEMENT: number },
  ): T => {
    const section = copyOut(bytes, at, length, type);
    at = aligned(at + length * type.BYTES_PER_ELEMENT);
    return section;
  };
  const documents = meta.ids.length;
  const snapshot: IndexSnapshot = {
    version: 2,
    documentCount: meta.documentCount,
    nextId: meta.nextId,
    fieldIds: meta.fieldIds,
    averageFieldLength: meta.averageFieldLength,
    ids: meta.ids,
    shortIds: next(documents, Uint32Array),
    fieldLengths: next(documents * fieldCount, Uint32Array),
    terms: meta.terms,
    lists: next(meta.lists * 3, Uint32Array),
    postingIds: next(meta.postings, Uint32Array),
    frequencies: meta.wideFrequencies
      ? next(meta.postings, Uint32Array)
      : next(meta.postings, Uint8Array),
  };
  return snapshot;
}

const aligned = (offset: number) => Math.ceil(offset / 4) * 4;

/** `length` elements from `bytes` at `offset`, in a new array of their own. */
function copyOut<T extends Uint8Array | Uint32Array>(
  bytes: Uint8Array,
  offset: number,
  length: number,
  type: { new (length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const byteLength = length * type.BYTES_PER_ELEMENT;
  if (offset + byteLength > bytes.length) throw new Error('index snapshot is cut short');
  const copy = new type(length);
  new Uint8Array(copy.buffer).set(bytes.subarray(offset, offset + byteLength));
  return copy;
}

/**
 * The MiniSearch index a snapshot was taken of, with `options` as it was built with. Its
 * postings are `CompactPostings` over the snapshot's arrays (views, not copies).
 */
export function restoreIndex<T>(snapshot: IndexSnapshot, options: Options<T>): MiniSearch<T> {
  if (snapshot.version !== 2)
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
  const { ids, shortIds, fieldLengths } = snapshot;
  for (let position = 0; position < ids.length; position++) {
    const id = ids[position]!;
    const shortId = shortIds[position]!;
    internals._documentIds.set(shortId, id);
    internals._idToShortId.set(id, shortId);
    const lengths: number[] = [];
    for (let field = 0; field < fieldCount; field++) {
      lengths.push(fieldLengths[position * fieldCount + field]!);
    }
    internals._fieldLength.set(shortId, lengths);
  }
  const { lists, postingIds, frequencies, terms } = snapshot;
  let fields: Map<number, Map<number, number>> | undefined;
  let at = 0;
  for (let list = 0; list < lists.length; list += 3) {
    const term = terms[lists[list]!];
    if (term === undefined) throw new Error('index snapshot names a term it does not hold');
    const count = lists[list + 2]!;
    // Lists of one term follow each other: a new term starts a new field map.
    if (list === 0 || lists[list - 3] !== lists[list]) {
      fields = new Map();
      internals._index.set(term, fields);
    }
    fields!.set(
      lists[list + 1]!,
      new CompactPostings(
        postingIds.subarray(at, at + count),
        frequencies.subarray(at, at + count),
      ),
    );
    at += count;
  }
  if (at !== postingIds.length) throw new Error('index snapshot postings do not add up');
  return miniSearch;
}
