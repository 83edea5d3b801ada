/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011) of a sparse CSR matrix, enough for
 * latent semantic analysis: returns the top-k right singular vectors (terms × k) and values.
 * Deterministic for a given seed.
 */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowPtr: Uint32Array;
  colIdx: Uint32Array;
  values: Float32Array;
}

export interface SvdResult {
  k: number;
  /** cols × k, row-major. */
  v: Float64Array;
  sigma: Float64Array;
}

export function randomizedSvd(x: CsrMatrix, k: number, options: { oversample?: number; powerIterations?: number; seed?: number } = {}): SvdResult {
  const l = Math.max(1, Math.min(k + (options.oversample ?? 10), x.rows, x.cols));
  const rank = Math.min(k, l);
  const random = gaussian(options.seed ?? 42);
  // Three work matrices, allocated once and reused by every iteration: allocating new ones per
  // step (and a column per step of Gram–Schmidt) left tens of MB with the allocator for good
  // on a large corpus, which raised an ingest's peak.
  const z = new Float64Array(x.cols * l); // cols × l: Ω, then Xᵀ Q
  const y = new Float64Array(x.rows * l); // rows × l: Q
  const scratch = new Float64Array(x.rows * l); // Q column by column, for Gram–Schmidt
  for (let i = 0; i < z.length; i++) z[i] = random();
  multiplyInto(x, z, l, y);
  orthonormalize(y, x.rows, l, scratch);
  for (let it = 0; it < (options.powerIterations ?? 2); it++) {
    multiplyTransposedInto(x, y, l, z);
    multiplyInto(x, z, l, y);
    orthonormalize(y, x.rows, l, scratch);
  }
  const bt = multiplyTransposedInto(x, y, l, z); // cols × l = (Qᵀ X)ᵀ
  const m = gram(bt, x.cols, l); // l × l = B Bᵀ
  const { values, vectors } = symmetricEigen(m, l);
  const order = [...values.keys()].sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0)).slice(0, rank);
  const sigma = new Float64Array(rank);
  const v = new Float64Array(x.cols * rank);
  order.forEach((col, r) => {
    const s = Math.sqrt(Math.max(0, values[col] ?? 0));
    sigma[r] = s;
    if (s < 1e-10) return;
    // v_r = Bᵀ u_r / σ_r
    for (let i = 0; i < x.cols; i++) {
      let sum = 0;
      for (let j = 0; j < l; j++) sum += (bt[i * l + j] ?? 0) * (vectors[j * l + col] ?? 0);
      v[i * rank + r] = sum / s;
    }
  });
  return { k: rank, v, sigma };
}

/** X (rows × cols, sparse) · M (cols × l, row-major) → `out`, rows × l, row-major. */
function multiplyInto(x: CsrMatrix, m: Float64Array, l: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (let i = 0; i < x.rows; i++) {
    const base = i * l;
    for (let p = x.rowPtr[i] ?? 0; p < (x.rowPtr[i + 1] ?? 0); p++) {
      const j = (x.colIdx[p] ?? 0) * l;
      const v = x.values[p] ?? 0;
      for (let c = 0; c < l; c++) out[base + c] = (out[base + c] ?? 0) + v * (m[j + c] ?? 0);
    }
  }
  return out;
}

/** Xᵀ (cols × rows) · M (rows × l, row-major) → `out`, cols × l, row-major. */
function multiplyTransposedInto(x: CsrMatrix, m: Float64Array, l: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (let i = 0; i < x.rows; i++) {
    const base = i * l;
    for (let p = x.rowPtr[i] ?? 0; p < (x.rowPtr[i + 1] ?? 0); p++) {
      const j = (x.colIdx[p] ?? 0) * l;
      const v = x.values[p] ?? 0;
      for (let c = 0; c < l; c++) out[j + c] = (out[j + c] ?? 0) + v * (m[base + c] ?? 0);
    }
  }
  return out;
}

/**
 * Modified Gram–Schmidt, in place, on the columns of a rows × l row-major matrix, working on a
 * column-major copy in `scratch` (rows × l).
 */
function orthonormalize(a: Float64Array, rows: number, l: number, scratch: Float64Array): void {
  const column = (c: number) => scratch.subarray(c * rows, (c + 1) * rows);
  for (let c = 0; c < l; c++) {
    const col = column(c);
    for (let i = 0; i < rows; i++) col[i] = a[i * l + c] ?? 0;
  }
  for (let c = 0; c < l; c++) {
    const col = column(c);
    for (let pass = 0; pass < 2; pass++) {
      for (let d = 0; d < c; d++) {
        const prev = column(d);
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += (col[i] ?? 0) * (prev[i] ?? 0);
        for (let i = 0; i < rows; i++) col[i] = (col[i] ?? 0) - dot * (prev[i] ?? 0);
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += (col[i] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) col[i] = norm > 1e-12 ? (col[i] ?? 0) / norm : 0;
  }
  for (let c = 0; c < l; c++) {
    const col = column(c);
    for (let i = 0; i < rows; i++) a[i * l + c] = col[i] ?? 0;
  }
}

/** Mᵀ M for a rows × l row-major matrix → l × l. */
function gram(m: Float64Array, rows: number, l: number): Float64Array {
  const out = new Float64Array(l * l);
  for (let i = 0; i < rows; i++) {
    const base = i * l;
    for (let a = 0; a < l; a++) {
      const va = m[base + a] ?? 0;
      if (va === 0) continue;
      const row = a * l;
      for (let b = a; b < l; b++) out[row + b] = (out[row + b] ?? 0) + va * (m[base + b] ?? 0);
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) out[a * l + b] = out[b * l + a] ?? 0;
  return out;
}

/** Cyclic Jacobi eigen-decomposition of a symmetric n × n matrix; eigenvectors are columns. */
export function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] ?? 0) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] ?? 0;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p] ?? 0;
        const aqq = a[q * n + q] ?? 0;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] ?? 0;
          const akq = a[k * n + q] ?? 0;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] ?? 0;
          const aqk = a[q * n + k] ?? 0;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] ?? 0;
  return { values, vectors: v };
}

function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}
