/**
 * @module models/trainers/least-squares
 * Multi-target linear least squares with an unpenalised intercept, optional ridge penalty λ, and
 * optional non-negative coefficients (Lawson–Hanson NNLS on the Gram matrix). Solves the centred normal
 * equations with ml-matrix (SVD, so collinear or all-zero columns get the minimum-norm solution).
 */
import { Matrix, solve } from 'ml-matrix';

/** Fitted coefficients: one intercept and one coefficient vector per target. */
export interface LinearFit {
  intercept: number[];
  /** targets × features. */
  coef: number[][];
}

/** Options of {@link leastSquares}. */
export interface LeastSquaresOptions {
  /** Ridge penalty λ ≥ 0 on the coefficients (not the intercept). */
  ridge: number;
  /** Constrain every coefficient to be ≥ 0. */
  nonNegative: boolean;
}

/** Fits Y ≈ intercept + X·coefᵀ for every column of Y. */
export function leastSquares(X: readonly (readonly number[])[], Y: readonly (readonly number[])[], opts: LeastSquaresOptions): LinearFit {
  const n = X.length;
  const p = X[0]?.length ?? 0;
  const m = Y[0]?.length ?? 0;
  const xm = new Array<number>(p).fill(0);
  const ym = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) xm[j] += X[i][j] / n;
    for (let k = 0; k < m; k++) ym[k] += Y[i][k] / n;
  }
  // Gram matrix A = XcᵀXc + λI and B = XcᵀYc.
  const A = Matrix.zeros(p, p);
  const B = Matrix.zeros(p, m);
  const xc = new Array<number>(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) xc[j] = X[i][j] - xm[j];
    for (let a = 0; a < p; a++) {
      const va = xc[a];
      if (va === 0) continue;
      for (let b = a; b < p; b++) A.set(a, b, A.get(a, b) + va * xc[b]);
      for (let k = 0; k < m; k++) B.set(a, k, B.get(a, k) + va * (Y[i][k] - ym[k]));
    }
  }
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) A.set(a, b, A.get(b, a));
    A.set(a, a, A.get(a, a) + opts.ridge);
  }
  const coef: number[][] = [];
  for (let k = 0; k < m; k++) {
    const b = B.getColumn(k);
    coef.push(opts.nonNegative ? nnlsGram(A, b) : unconstrained(A, b));
  }
  const intercept = ym.map((yk, k) => yk - coef[k].reduce((s, c, j) => s + c * xm[j], 0));
  return { intercept, coef };
}

function unconstrained(A: Matrix, b: number[]): number[] {
  if (A.rows === 0) return [];
  return solve(A, Matrix.columnVector(b), true).to1DArray();
}

/** Solves the passive-set subproblem A[P,P] s = b[P]. */
function subSolve(A: Matrix, b: number[], P: number[]): number[] {
  const sub = A.selection(P, P);
  return solve(sub, Matrix.columnVector(P.map((j) => b[j])), true).to1DArray();
}

/** Lawson–Hanson non-negative least squares on the normal equations: min ½βᵀAβ − bᵀβ, β ≥ 0. */
function nnlsGram(A: Matrix, b: number[]): number[] {
  const p = b.length;
  const beta = new Array<number>(p).fill(0);
  const passive = new Set<number>();
  const tol = 1e-10 * Math.max(1, ...b.map(Math.abs));
  const grad = () => b.map((bj, j) => bj - A.getRow(j).reduce((s, a, l) => s + a * beta[l], 0));
  for (let outer = 0; outer < 3 * p + 10; outer++) {
    const w = grad();
    let t = -1;
    for (let j = 0; j < p; j++) if (!passive.has(j) && w[j] > tol && (t < 0 || w[j] > w[t])) t = j;
    if (t < 0) break;
    passive.add(t);
    for (let inner = 0; inner < 3 * p + 10; inner++) {
      const P = [...passive].sort((x, y) => x - y);
      const s = subSolve(A, b, P);
      if (s.every((v) => v > 0)) {
        for (let j = 0; j < p; j++) beta[j] = 0;
        P.forEach((j, i) => (beta[j] = s[i]));
        break;
      }
      let alpha = Infinity;
      P.forEach((j, i) => {
        if (s[i] <= 0) alpha = Math.min(alpha, beta[j] / (beta[j] - s[i]));
      });
      P.forEach((j, i) => (beta[j] += alpha * (s[i] - beta[j])));
      for (const j of P)
        if (beta[j] <= 1e-14) {
          beta[j] = 0;
          passive.delete(j);
        }
      if (passive.size === 0) break;
    }
  }
  return beta;
}
