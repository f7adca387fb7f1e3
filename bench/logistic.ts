/**
 * A plain weighted logistic regression (Newton's method / IRLS, a small L2 penalty on the
 * standardised weights), for the refusal model: `bench/fit-refusal.ts` fits the shipped one.
 */

export interface LogisticRow {
  /** The feature values, in the order of the fit's feature list. */
  x: readonly number[];
  /** 1: the passage answers; 0: the right answer is a refusal. */
  y: 0 | 1;
  weight: number;
}

export interface LogisticFit {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/**
 * Fits `P(y = 1) = σ(bias + Σ weights[j]·(x[j] − mean[j]) / scale[j])`.
 *
 * @example
 * fitLogistic([{ x: [0.9], y: 1, weight: 1 }, { x: [0.1], y: 0, weight: 1 }], 1).weights[0]; // > 0
 */
export function fitLogistic(rows: readonly LogisticRow[], l2: number): LogisticFit {
  const width = rows[0]?.x.length ?? 0;
  const count = rows.length;
  const mean = Array.from(
    { length: width },
    (_unused, j) => rows.reduce((sum, row) => sum + row.x[j]!, 0) / count,
  );
  const scale = Array.from({ length: width }, (_unused, j) => {
    const variance = rows.reduce((sum, row) => sum + (row.x[j]! - mean[j]!) ** 2, 0) / count;
    return Math.sqrt(variance) || 1;
  });
  // Standardised rows with a leading 1 for the bias.
  const z = rows.map((row) => [1, ...row.x.map((value, j) => (value - mean[j]!) / scale[j]!)]);
  let beta = new Array<number>(width + 1).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = new Array<number>(width + 1).fill(0);
    const hessian = Array.from({ length: width + 1 }, () => new Array<number>(width + 1).fill(0));
    z.forEach((row, i) => {
      const p = 1 / (1 + Math.exp(-row.reduce((sum, value, j) => sum + value * beta[j]!, 0)));
      const { weight, y } = rows[i]!;
      const w = weight * p * (1 - p);
      for (let j = 0; j <= width; j++) {
        gradient[j]! += weight * (y - p) * row[j]!;
        for (let k = 0; k <= width; k++) hessian[j]![k]! += w * row[j]! * row[k]!;
      }
    });
    for (let j = 1; j <= width; j++) {
      gradient[j]! -= l2 * beta[j]!;
      hessian[j]![j]! += l2;
    }
    const step = solve(hessian, gradient);
    beta = beta.map((value, j) => value + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { mean, scale, weights: beta.slice(1), bias: beta[0]! };
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    }
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row]![col]! / a[col]![col]!;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * out[k]!;
    out[row] = sum / a[row]![row]!;
  }
  return out;
}
