/**
 * The part of quadprog 1.6.1 (a port of R's quadprog, Goldfarb and Idnani's dual method) that
 * simplexWeights.ts calls; the package ships no types. Arrays are 1-based as in the Fortran
 * original: index 0 is unused. It minimises -d'b + 1/2 b'Db subject to A'b >= b0, the first
 * `meq` constraints being equalities; D must be symmetric positive definite and is overwritten.
 */
declare module 'quadprog' {
  export interface QpResult {
    solution: number[];
    value: number[];
    /** Empty when solved; otherwise why not (inconsistent constraints, D not positive definite). */
    message: string;
  }
  export function solveQP(Dmat: number[][], dvec: number[], Amat: number[][], bvec: number[], meq?: number): QpResult;
}
