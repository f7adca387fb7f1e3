/** The largest short document id or term frequency a posting list holds. */
const MAX_VALUE = 0xffff_ffff;
/** Frequencies are stored in one byte until one needs more (a passage repeats a word 256 times). */
const MAX_BYTE = 0xff;
/** Room added when a list grows: a quarter more, so appends are amortized without much slack. */
const GROWTH = 1.25;

/**
 * One term's postings in one field (short document id → term frequency), as MiniSearch 7 keeps
 * them in a `Map`, but in two typed arrays sorted by id: 5 bytes a posting instead of about 40.
 * MiniSearch's postings are nearly all of a library's heap, so this is what makes a large corpus
 * fit (measured in `npm run bench`, Speed).
 *
 * It answers every `Map` method MiniSearch and pruned evaluation call, and stays writable:
 * MiniSearch adds a new document's terms with `get`/`set` (its id is the largest yet, so it is
 * appended), removes them with `set`/`delete`, and may delete while iterating (ids deleted or
 * added mid-iteration are handled as a `Map` handles them). `get` searches from where the last
 * lookup ended, so lookups in ascending id order, as pruned evaluation makes them, are cheap.
 *
 * @example
 * const postings = CompactPostings.from(new Map([[3, 1], [7, 2]]));
 * postings.set(9, 1); // appended
 * postings.get(7); // 2
 * [...postings.keys()]; // [3, 7, 9]
 */
export class CompactPostings implements Map<number, number> {
  #ids: Uint32Array;
  #frequencies: Uint8Array | Uint32Array;
  #size: number;
  /** Where the last lookup ended. */
  #hint = 0;

  /**
   * @param ids ascending and distinct short document ids; the list keeps (and writes into) the
   *   arrays given, which may be views of one larger buffer: they are copied only to grow.
   * @param frequencies the frequency of each id, at the same positions.
   */
  constructor(ids: Uint32Array, frequencies: Uint8Array | Uint32Array) {
    if (ids.length !== frequencies.length) {
      throw new RangeError(`${ids.length} ids but ${frequencies.length} frequencies`);
    }
    for (let position = 1; position < ids.length; position++) {
      if (!(ids[position - 1]! < ids[position]!)) {
        throw new RangeError('posting ids must be ascending and distinct');
      }
    }
    this.#ids = ids;
    this.#frequencies = frequencies;
    this.#size = ids.length;
  }

  /** The same postings as a `Map` (or any id → frequency pairs), compacted. */
  static from(entries: Iterable<readonly [number, number]>): CompactPostings {
    const pairs = [...entries].sort((a, b) => a[0] - b[0]);
    const ids = new Uint32Array(pairs.length);
    const wide = pairs.some(([, frequency]) => frequency > MAX_BYTE);
    const frequencies = wide ? new Uint32Array(pairs.length) : new Uint8Array(pairs.length);
    pairs.forEach(([id, frequency], position) => {
      ids[position] = checked(id, 'id');
      frequencies[position] = checked(frequency, 'frequency');
    });
    return new CompactPostings(ids, frequencies);
  }

  get size(): number {
    return this.#size;
  }

  get [Symbol.toStringTag](): string {
    return 'CompactPostings';
  }

  get(id: number): number | undefined {
    const position = this.#find(id);
    return position >= 0 ? this.#frequencies[position] : undefined;
  }

  has(id: number): boolean {
    return this.#find(id) >= 0;
  }

  set(id: number, frequency: number): this {
    checked(frequency, 'frequency');
    const position = this.#find(id);
    if (position >= 0) {
      this.#store(position, frequency);
    } else {
      this.#insert(~position, checked(id, 'id'), frequency);
    }
    return this;
  }

  delete(id: number): boolean {
    const position = this.#find(id);
    if (position < 0) return false;
    this.#ids.copyWithin(position, position + 1, this.#size);
    this.#frequencies.copyWithin(position, position + 1, this.#size);
    this.#size -= 1;
    return true;
  }

  clear(): void {
    this.#size = 0;
  }

  /** The ids in ascending order (a view: valid until the list next changes). */
  sortedIds(): Uint32Array {
    return this.#ids.subarray(0, this.#size);
  }

  /** The frequencies, at the same positions as `sortedIds` (a view, as it). */
  frequencies(): Uint8Array | Uint32Array {
    return this.#frequencies.subarray(0, this.#size);
  }

  /** Gives back the room kept for appends: for a list that is done growing. */
  trim(): void {
    if (this.#ids.length === this.#size) return;
    this.#ids = this.#ids.slice(0, this.#size);
    this.#frequencies = this.#frequencies.slice(0, this.#size);
  }

  *keys(): MapIterator<number> {
    for (let position = 0; position < this.#size;) {
      const id = this.#ids[position]!;
      yield id;
      position = this.#next(position, id);
    }
  }

  *values(): MapIterator<number> {
    for (let position = 0; position < this.#size;) {
      const id = this.#ids[position]!;
      yield this.#frequencies[position]!;
      position = this.#next(position, id);
    }
  }

  *entries(): MapIterator<[number, number]> {
    for (let position = 0; position < this.#size;) {
      const id = this.#ids[position]!;
      yield [id, this.#frequencies[position]!];
      position = this.#next(position, id);
    }
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }

  forEach(
    callback: (frequency: number, id: number, map: Map<number, number>) => void,
    thisArgument?: unknown,
  ): void {
    for (const [id, frequency] of this.entries()) {
      callback.call(thisArgument, frequency, id, this);
    }
  }

  /**
   * The position after the entry just visited at `position`: the next one, or, when the list
   * changed under the iteration, the first id after `id`, as a `Map` iterator would continue.
   */
  #next(position: number, id: number): number {
    if (position < this.#size && this.#ids[position] === id) return position + 1;
    const found = this.#find(id);
    return found >= 0 ? found + 1 : ~found;
  }

  /**
   * The position of `id`, or `~position` where it would be inserted. Gallops forward from the
   * last lookup's position, so ascending lookups cost the log of the distance, not of the size.
   */
  #find(id: number): number {
    const ids = this.#ids;
    const size = this.#size;
    // MiniSearch indexes a new document under the largest id yet: its postings are appended.
    if (size === 0 || ids[size - 1]! < id) return ~size;
    let low = 0;
    let high = size;
    const hint = this.#hint;
    if (hint < size) {
      const atHint = ids[hint]!;
      if (atHint === id) return hint;
      if (atHint < id) {
        low = hint + 1;
        let step = 1;
        while (hint + step < size && ids[hint + step]! < id) {
          low = hint + step + 1;
          step *= 2;
        }
        high = Math.min(size, hint + step + 1);
      } else {
        high = hint;
      }
    }
    while (low < high) {
      const middle = (low + high) >>> 1;
      const value = ids[middle]!;
      if (value < id) low = middle + 1;
      else if (value > id) high = middle;
      else {
        this.#hint = middle;
        return middle;
      }
    }
    this.#hint = low;
    return ~low;
  }

  #store(position: number, frequency: number): void {
    if (frequency > MAX_BYTE && this.#frequencies instanceof Uint8Array) {
      const wide = new Uint32Array(this.#ids.length);
      wide.set(this.#frequencies);
      this.#frequencies = wide;
    }
    this.#frequencies[position] = frequency;
  }

  #insert(position: number, id: number, frequency: number): void {
    const size = this.#size;
    if (size === this.#ids.length) {
      const capacity = Math.max(4, Math.ceil(size * GROWTH));
      const ids = new Uint32Array(capacity);
      ids.set(this.#ids.subarray(0, size));
      const frequencies =
        this.#frequencies instanceof Uint8Array
          ? new Uint8Array(capacity)
          : new Uint32Array(capacity);
      frequencies.set(this.#frequencies.subarray(0, size));
      this.#ids = ids;
      this.#frequencies = frequencies;
    }
    this.#ids.copyWithin(position + 1, position, size);
    this.#frequencies.copyWithin(position + 1, position, size);
    this.#ids[position] = id;
    this.#size = size + 1;
    this.#store(position, frequency);
  }
}

function checked(value: number, what: 'id' | 'frequency'): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VALUE) {
    throw new RangeError(`a posting ${what} must be an integer from 0 to ${MAX_VALUE}: ${value}`);
  }
  return value;
}
