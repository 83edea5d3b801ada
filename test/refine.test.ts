import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_PARAMS, LocalEmbedder, removeCommonDirections, type TrainingPair } from '../src/embed/local.js';

// Twelve made-up topics, two sections each: a heading that names the topic in other words than its body.
const TOPICS: Array<[string, string, string]> = [
  ['Rotate signing keys', 'Replace the certificate that signs tokens before it expires; upload the new certificate and keep the old one until every client has the new one.', 'Certificates that sign tokens expire after a year.'],
  ['Invite teammates', 'Send an email invitation to a colleague; they accept it and join the workspace with the role you chose.', 'An invitation email expires after seven days.'],
  ['Export audit trail', 'Download a CSV of every recorded event in a date range, with actor, target and location columns.', 'Events are kept for a year and can be streamed to storage.'],
  ['Throttle requests', 'The API answers 429 when a client sends too many calls per second; wait for the Retry-After header before calling again.', 'Limits are counted per key and per second.'],
  ['Verify webhook payloads', 'Compute an HMAC of the body with your secret and compare it to the signature header to trust the event.', 'Reject events whose timestamp is older than five minutes.'],
  ['Paginate lists', 'Pass the after cursor from the previous page to fetch the next page of objects; stop when it is null.', 'A page holds at most one hundred objects.'],
  ['Magic links', 'Email a one-time sign-in URL; opening it signs the person in without a password.', 'A sign-in URL works once and expires in ten minutes.'],
  ['Custom domains', 'Serve hosted pages from your own hostname by adding a CNAME record and waiting for the certificate.', 'DNS changes can take an hour to propagate.'],
  ['Session lifetime', 'Cookies stay valid for a week of inactivity; refresh them with the refresh token to extend the session.', 'Signing out clears the cookie on every device.'],
  ['Directory groups', 'Groups synced from the identity provider map to roles; members inherit the role of each group.', 'Nested groups are flattened when synced.'],
  ['Test environment', 'Use the sandbox with fake identity providers to try every flow without real customers or real credentials.', 'Sandbox data is reset every month.'],
  ['Error codes', 'Every failed call returns a machine-readable code and a message; retry only codes marked transient.', 'Codes never change meaning between versions.'],
];

const pairs: TrainingPair[] = TOPICS.flatMap(([heading, body, more]) => [
  [heading, body],
  [`${heading} details`, more],
]);
const texts = pairs.map(([heading, body]) => `${heading}\n\n${body}`);
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

/** Mean, over the pairs, of how far a heading's cosine to its own section is above its best other section. */
function margin(embedder: LocalEmbedder): number {
  const passages = pairs.map(([, body]) => embedder.embed(body));
  return (
    pairs.reduce((sum, [heading], i) => {
      const q = embedder.embed(heading);
      const others = passages.filter((_, j) => j !== i).map((p) => cosine(q, p));
      return sum + cosine(q, passages[i] as Float32Array) - Math.max(...others);
    }, 0) / pairs.length
  );
}

// The refinement alone: no common direction is taken out afterwards (tested below).
const params = (over: Partial<typeof DEFAULT_LOCAL_PARAMS.refine>) => ({ ...DEFAULT_LOCAL_PARAMS, dimension: 16, commonDirections: 0, refine: { ...DEFAULT_LOCAL_PARAMS.refine, ...over } });

describe('the local embedder refined on heading and section pairs', () => {
  it('puts each heading closer to its own section, against the other sections, than LSA alone', () => {
    const lsa = LocalEmbedder.fit(texts, params({ epochs: 0 }), pairs);
    const refined = LocalEmbedder.fit(texts, params({ epochs: 20, learningRate: 0.05 }), pairs);
    expect(margin(refined)).toBeGreaterThan(margin(lsa) + 0.05);
  });

  it('leaves the LSA projection as it is with no epochs or no pairs', () => {
    const lsa = LocalEmbedder.fit(texts, params({ epochs: 0 }), pairs);
    expect(LocalEmbedder.fit(texts, params({ epochs: 2 }), []).projection).toEqual(lsa.projection);
    expect(LocalEmbedder.fit(texts, params({ epochs: 2 }), pairs).projection).not.toEqual(lsa.projection);
  });

  it('gives the same vectors for the same pairs and seed, and other vectors for another seed', () => {
    const a = LocalEmbedder.fit(texts, params({ epochs: 3 }), pairs);
    const b = LocalEmbedder.fit(texts, params({ epochs: 3 }), pairs);
    const c = LocalEmbedder.fit(texts, { ...params({ epochs: 3 }), seed: 7 }, pairs);
    expect(b.embed('rotate certificates')).toEqual(a.embed('rotate certificates'));
    expect(c.embed('rotate certificates')).not.toEqual(a.embed('rotate certificates'));
  });

  it('records its refinement in the params an index manifest keeps, so that a change of them refits the model', () => {
    const refined = LocalEmbedder.fit(texts, params({ epochs: 2 }), pairs);
    expect(refined.info.params).toMatchObject({ refine: { epochs: 2, learningRate: 0.005, temperature: 0.2, batch: 64 } });
  });
});

describe('the local embedder without its fitted texts\' top principal direction', () => {
  const fit = (commonDirections: number) => LocalEmbedder.fit(texts, { ...DEFAULT_LOCAL_PARAMS, dimension: 16, commonDirections }, pairs);
  const unit = (v: Float64Array) => v.map((x) => x / Math.hypot(...v));

  /** The top principal direction (uncentred) of the fitted texts' vectors, found here by power iteration (this corpus's lead is large). */
  function sharedDirection(embedder: LocalEmbedder): Float64Array {
    const vectors = texts.map((t) => embedder.embed(t));
    let u = unit(Float64Array.from(vectors[0] as Float32Array, (_, r) => vectors.reduce((sum, v) => sum + (v[r] ?? 0), 0)));
    for (let i = 0; i < 100; i++) {
      const next = new Float64Array(u.length);
      for (const v of vectors) {
        const dot = v.reduce((sum, x, r) => sum + x * (u[r] ?? 0), 0);
        v.forEach((x, r) => (next[r] = (next[r] ?? 0) + dot * x));
      }
      u = unit(next);
    }
    return u;
  }

  it('gives every text, fitted or new, a vector with nothing along that direction', () => {
    const u = sharedDirection(fit(0));
    const along = (v: Float32Array) => Math.abs(v.reduce((sum, x, r) => sum + x * (u[r] ?? 0), 0));
    const before = fit(0);
    const after = fit(1);
    const all = [...texts, 'rotate certificates', 'how long does an invitation last'];
    // Before, the texts lie along it 0.2 or more on average; after, none does.
    expect(all.reduce((sum, text) => sum + along(before.embed(text)), 0) / all.length).toBeGreaterThan(0.2);
    for (const text of all) expect(along(after.embed(text))).toBeLessThan(0.01);
  });

  it('removes the direction the texts\' vectors share most, even when their mean points another way', () => {
    // Sixteen dimensions; three terms, each a text of its own: ten texts along +e1, ten along −e1,
    // five along e3. Σ v vᵀ is largest along e1 (20 against 5), while the texts' mean points along e3.
    const d = 16;
    const e = (k: number, sign = 1) => Float32Array.from({ length: d }, (_, r) => (r === k ? sign : 0));
    const projection = Float32Array.from([...e(0), ...e(0, -1), ...e(2)]);
    const terms = [...Array(10).fill(0), ...Array(10).fill(1), ...Array(5).fill(2)] as number[];
    const texts = { rows: terms.length, cols: 3, rowPtr: Uint32Array.from(terms.map((_, i) => i).concat(terms.length)), colIdx: Uint32Array.from(terms), values: Float32Array.from(terms, () => 1) };
    removeCommonDirections(projection, d, texts, 1);
    expect([...projection.subarray(0, 2 * d)].every((x) => Math.abs(x) < 1e-9)).toBe(true);
    expect([...projection.subarray(2 * d)]).toEqual([...e(2)]);
  });

  it('keeps every direction of a model with few dimensions, which one fewer would leave unable to tell texts apart', () => {
    const projection = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]);
    const texts = { rows: 3, cols: 2, rowPtr: Uint32Array.from([0, 1, 2, 3]), colIdx: Uint32Array.from([0, 0, 1]), values: Float32Array.from([1, 1, 1]) };
    removeCommonDirections(projection, 4, texts, 1);
    expect([...projection]).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('records how many directions it takes out in the params an index manifest keeps, and fits by them', () => {
    expect(fit(1).info.params).toMatchObject({ commonDirections: 1 });
    expect(DEFAULT_LOCAL_PARAMS.commonDirections).toBe(1);
    expect(fit(1).projection).not.toEqual(fit(0).projection);
  });
});
