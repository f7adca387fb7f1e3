import { describe, expect, it } from 'vitest';
import { CompactPostings } from '../../src/core/compact-postings.ts';

/** The same numbers on every run: a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('compact postings', () => {
  it('answer get, has, set, delete, size and iteration as a Map does', () => {
    const random = seeded(7);
    const map = new Map<number, number>();
    const postings = CompactPostings.from([]);
    for (let step = 0; step < 3_000; step++) {
      const id = Math.floor(random() * 200);
      const roll = random();
      if (roll < 0.5) {
        // Mostly small frequencies, now and then one that needs more than a byte.
        const frequency = roll < 0.02 ? 300 + step : 1 + Math.floor(random() * 5);
        map.set(id, frequency);
        postings.set(id, frequency);
      } else if (roll < 0.7) {
        expect(postings.delete(id)).toBe(map.delete(id));
      } else {
        expect(postings.get(id)).toBe(map.get(id));
        expect(postings.has(id)).toBe(map.has(id));
      }
      expect(postings.size).toBe(map.size);
    }
    const sorted = [...map].sort((a, b) => a[0] - b[0]);
    expect([...postings]).toEqual(sorted);
    expect([...postings.keys()]).toEqual(sorted.map(([id]) => id));
    expect([...postings.values()]).toEqual(sorted.map(([, frequency]) => frequency));
  });

  it('append the largest id yet, as MiniSearch adds a new document', () => {
    const postings = CompactPostings.from(new Map([[4, 1]]));
    for (let id = 5; id < 100; id++) postings.set(id, postings.get(id) ?? 1);
    postings.set(99, 2);
    expect(postings.size).toBe(96);
    expect(postings.get(99)).toBe(2);
    expect(postings.get(50)).toBe(1);
  });

  it('keep iterating as a Map does when entries are deleted during the iteration', () => {
    // MiniSearch deletes the postings of discarded documents while walking them.
    const entries = Array.from({ length: 10 }, (_, index): [number, number] => [index * 3, 1]);
    const map = new Map(entries);
    const postings = CompactPostings.from(entries);
    const walk = (list: Map<number, number>) => {
      const visited: number[] = [];
      for (const id of list.keys()) {
        visited.push(id);
        if (id % 2 === 0) list.delete(id);
        if (id === 9) list.delete(12);
      }
      return { visited, left: [...list.keys()] };
    };
    expect(walk(postings)).toEqual(walk(map));
  });

  it('keep the arrays given, growing out of them only when an id is added', () => {
    const buffer = new Uint32Array([1, 5, 9, 2, 4]);
    const frequencies = new Uint8Array([3, 1, 1, 2, 2]);
    const first = new CompactPostings(buffer.subarray(0, 3), frequencies.subarray(0, 3));
    const second = new CompactPostings(buffer.subarray(3), frequencies.subarray(3));
    first.set(5, 4);
    first.set(12, 1);
    second.delete(2);
    expect([...first]).toEqual([
      [1, 3],
      [5, 4],
      [9, 1],
      [12, 1],
    ]);
    expect([...second]).toEqual([[4, 2]]);
  });

  it('refuse ids and frequencies that are not whole numbers a posting can hold', () => {
    const postings = CompactPostings.from([[1, 1]]);
    expect(() => postings.set(-1, 1)).toThrow(RangeError);
    expect(() => postings.set(2, 1.5)).toThrow(RangeError);
    expect(() => postings.set(2 ** 32, 1)).toThrow(RangeError);
    expect(() => new CompactPostings(new Uint32Array([2, 1]), new Uint8Array(2))).toThrow(
      /ascending/u,
    );
    expect([...postings]).toEqual([[1, 1]]);
  });
});
