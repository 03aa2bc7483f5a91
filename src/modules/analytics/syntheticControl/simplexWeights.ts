import { solveQP } from 'quadprog';

/**
 * The ridge added to the diagonal, relative to the mean of the diagonal: Goldfarb and Idnani's
 * method needs a positive definite matrix, and the Gram matrix of the donors is only semidefinite
 * when two donors move together or donors outnumber the years. 1e-10 of the scale moves a weight
 * by about 1e-10 / (the smallest eigenvalue that matters, relative to the mean), far below the
 * 1e-6 the tests ask of the weights; among equally good weights it picks the ones of smallest norm.
 */
export const RIDGE = 1e-10;

/** Passes of the iterated ridge at most, and the largest change of a weight that ends them early. */
const MAX_PASSES = 2;
const SETTLED = 1e-14;

/**
 * Weights below this after solving are rounding noise around zero (the solver leaves ~1e-12 on
 * donors that a flat direction lets in): a weight reads as 0 when it is.
 */
const ZERO = 1e-9;

/** X'X of the columns given (each a series over the same years). */
export function gramMatrix(columns: readonly (readonly number[])[]): number[][] {
  const n = columns.length;
  const gram = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let t = 0; t < columns[i].length; t++) sum += columns[i][t] * columns[j][t];
      gram[i][j] = sum;
      gram[j][i] = sum;
    }
  }
  return gram;
}

/** X'y: each column's dot product with the target series. */
export function crossProducts(columns: readonly (readonly number[])[], target: readonly number[]): number[] {
  return columns.map((column) => column.reduce((sum, value, t) => sum + value * target[t], 0));
}

/**
 * The weights w (w >= 0, sum w = 1) that minimise ||y - Xw||^2 = w'Gw - 2c'w + y'y, given the
 * Gram matrix G = X'X of the donors over the fitting years and c = X'y: a convex quadratic
 * programme over the simplex, solved by quadprog (Goldfarb and Idnani's dual active-set method,
 * exact up to rounding, not an iteration to a tolerance). G and c are divided by the mean of G's
 * diagonal first, which changes the minimiser not at all and keeps the ridge relative.
 *
 * The solver's weights satisfy the constraints up to rounding; values below 1e-9 are set to 0
 * and the rest rescaled to sum to 1 exactly, so a weight reads as 0 when it is.
 */
export function simplexWeights(gram: readonly (readonly number[])[], cross: readonly number[]): number[] {
  const n = cross.length;
  if (n === 0) throw new Error('simplexWeights: no donors');
  if (n === 1) return [1];
  const meanDiagonal = gram.reduce((sum, row, i) => sum + row[i], 0) / n;
  const scale = meanDiagonal > 0 && Number.isFinite(meanDiagonal) ? meanDiagonal : 1;
  // Constraints A'w >= b, 1-based as in the Fortran original: column 1 is sum w = 1 (the one
  // equality, meq = 1), columns 2..n+1 are w_i >= 0.
  const A: number[][] = [[]];
  for (let i = 1; i <= n; i++) {
    const row = [0, 1];
    for (let k = 1; k <= n; k++) row.push(i === k ? 1 : 0);
    A.push(row);
  }
  const b = [0, 1, ...new Array<number>(n).fill(0)];
  // Iterated ridge (the proximal point method): each pass minimises
  // w'(G/s)w - 2(c/s)'w + RIDGE ||w - previous||^2, whose minimiser is the constrained least
  // squares one up to a bias that shrinks by a factor of about RIDGE / (eigenvalue) per pass,
  // so a second pass leaves none (1e-7 after one on the tests' panel, 1e-15 after two); on a flat direction (weights not unique) the passes stay
  // among the minimisers, nearest the previous pass's.
  let previous = new Array<number>(n).fill(1 / n);
  let solution = previous;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const D: number[][] = [[]];
    const d: number[] = [0];
    for (let i = 0; i < n; i++) {
      D.push([0, ...gram[i].map((value, j) => value / scale + (i === j ? RIDGE : 0))]);
      d.push(cross[i] / scale + RIDGE * previous[i]);
    }
    const result = solveQP(D, d, A, b, 1);
    if (result.message) throw new Error(`simplexWeights: ${result.message}`);
    solution = result.solution.slice(1, n + 1);
    const moved = solution.reduce((max, w, i) => Math.max(max, Math.abs(w - previous[i])), 0);
    previous = solution;
    if (moved < SETTLED) break;
  }
  const raw = solution.map((w) => (Math.abs(w) < ZERO || w < 0 ? 0 : w));
  const total = raw.reduce((sum, w) => sum + w, 0);
  return raw.map((w) => w / total);
}
