import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_PARAMS, LocalEmbedder, type TrainingPair } from '../src/embed/local.js';

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

const params = (over: Partial<typeof DEFAULT_LOCAL_PARAMS.refine>) => ({ ...DEFAULT_LOCAL_PARAMS, dimension: 16, refine: { ...DEFAULT_LOCAL_PARAMS.refine, ...over } });

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
