/**
 * British spellings as American ones, so that a question written either way meets docs written
 * either way (`organisation` → `organization`, `behaviour` → `behavior`, `centre` → `center`):
 * Porter stems `organisation` to `organis` and `organization` to `organ`, so without this the most
 * important word of "add a user to an organisation" matched nothing. Words spelled so in American
 * English too (`enterprise`, `promise`, `raise`, `otherwise`, `hour`, `contour`) are left alone.
 */

/**
 * American words in `-ise` after a consonant, also when other words end in them (`compromise`,
 * `unpromising`, `reappraise`). British `-ise` verbs have their own endings: minimise, criticise,
 * standardise, prioritise are not among these.
 */
const ISE_WORDS = [
  'premise', 'promise', 'demise', 'surmise', 'expertise', 'treatise', 'chastise', 'advertise', 'mortise',
  'exercise', 'precise', 'concise', 'excise', 'incise', 'circumcise', 'exorcise', 'merchandise', 'paradise',
  'despise', 'franchise',
];
/** Endings only American `-ise` words have: otherwise, revise, supervise, enterprise, surprise. */
const ISE_ENDINGS = /(wise|vise|prise)$/;
/** American `-ise` words that other, British, words end in (authorise, theorise): whole words only. */
const ISE_WHOLE = new Set(['rise', 'arise', 'sunrise', 'moonrise', 'uprise', 'highrise', 'anise', 'valise', 'denoise']);

/** American words in `-our`, also inside longer ones (downpour, cornflour, contours). */
const OUR_WORDS = ['pour', 'flour', 'scour', 'amour', 'velour', 'contour', 'detour', 'devour', 'troubadour', 'parkour', 'pompadour', 'tambour', 'tabour', 'carrefour'];

const WHOLE = new Map([
  ['practise', 'practice'],
  ['practised', 'practiced'],
  ['practises', 'practices'],
  ['practising', 'practicing'],
  ['programme', 'program'],
  ['programmes', 'programs'],
  ['judgement', 'judgment'],
  ['judgements', 'judgments'],
  ['artefact', 'artifact'],
  ['artefacts', 'artifacts'],
  ['centred', 'centered'],
  ['centring', 'centering'],
]);

/** `licence` and its forms, `defence`, `offence`, `pretence`: `-ence` → `-ense`. */
const ENCE = /^(licen|defen|offen|preten)c(e|es|ed|ing)$/;

/** catalogue, catalogues, catalogued, cataloguing → catalog, catalogs, cataloged, cataloging. */
const OGUE_SUFFIX = { e: '', es: 's', ed: 'ed', ing: 'ing' };

/** A lower-case word in American spelling; the word itself when no rule applies. */
export function americanSpelling(word: string): string {
  const whole = WHOLE.get(word);
  if (whole) return whole;
  let m = /^(\w{2,}[^aeiou])is(ation|ations|ational|e|ed|es|ing|er|ers|able)$/.exec(word);
  if (m) {
    const base = `${m[1]}ise`;
    const american = ISE_ENDINGS.test(base) || ISE_WHOLE.has(base) || ISE_WORDS.some((w) => base.endsWith(w));
    return american ? word : `${m[1]}iz${m[2]}`;
  }
  m = /^(\w{3,})ys(e|ed|es|ing|er|ers)$/.exec(word);
  if (m) return `${m[1]}yz${m[2]}`;
  // colour, behavioural, labourer, neighbourhood; not hour, your, four, tour (too short) or contour.
  m = /^(\w{2,})our(s|ed|ing|al|able|ably|ful|er|ers|hood|hoods|less|ist|ists|ite|ites)?$/.exec(word);
  if (m && !OUR_WORDS.some((w) => `${m?.[1]}our`.endsWith(w))) return `${m[1]}or${m[2] ?? ''}`;
  // centre, metre, litre, fibre, calibre: -re → -er (not -red: hatred, inbred).
  m = /^(\w{2,}[tb])r(e|es)$/.exec(word);
  if (m && word !== 'macabre' && word !== 'timbre') return `${m[1]}er${m[2] === 'es' ? 's' : ''}`;
  m = /^(\w{3,})ogu(e|es|ed|ing)$/.exec(word);
  if (m) return `${m[1]}og${OGUE_SUFFIX[m[2] as keyof typeof OGUE_SUFFIX]}`;
  m = ENCE.exec(word);
  if (m) return `${m[1]}s${m[2]}`;
  return word;
}
