/**
 * British spellings as American ones, so that a question written either way meets docs written
 * either way (`organisation` → `organization`, `behaviour` → `behavior`, `centre` → `center`):
 * Porter stems `organisation` to `organis` and `organization` to `organ`, so without this the most
 * important word of "add a user to an organisation" matched nothing. Words that end so in both
 * spellings (`enterprise`, `promise`, `otherwise`, `hour`, `contour`) are left alone.
 */

/** Endings of words spelled `-ise` in American English too: bitwise, precise, enterprise, revise, disguise, franchise, merchandise. */
const ISE_KEPT_ENDINGS = /(wise|cise|prise|vise|guise|chise|dise)$/;
const ISE_KEPT = new Set([
  'premise', 'promise', 'compromise', 'demise', 'surmise', 'expertise', 'treatise', 'chastise', 'advertise', 'mortise',
  'noise', 'raise', 'praise', 'appraise', 'poise', 'cruise', 'bruise', 'anise', 'arise', 'valise', 'reprise',
  'porpoise', 'tortoise', 'turquoise', 'cerise', 'uprise',
]);
const OUR_KEPT = new Set(['flour', 'scour', 'amour', 'velour', 'contour', 'detour', 'devour', 'paramour', 'troubadour']);
const WHOLE = new Map([
  ['licence', 'license'],
  ['licences', 'licenses'],
  ['defence', 'defense'],
  ['defences', 'defenses'],
  ['offence', 'offense'],
  ['offences', 'offenses'],
  ['pretence', 'pretense'],
]);

/** A lower-case word in American spelling; the word itself when no rule applies. */
export function americanSpelling(word: string): string {
  let m = /^(\w{3,})isation(s?)$/.exec(word);
  if (m) return `${m[1]}ization${m[2]}`;
  m = /^(\w{3,})is(e|ed|es|ing|er|ers|able)$/.exec(word);
  if (m && !ISE_KEPT_ENDINGS.test(`${m[1]}ise`) && !ISE_KEPT.has(`${m[1]}ise`)) return `${m[1]}iz${m[2]}`;
  m = /^(\w{3,})ys(e|ed|es|ing|er|ers)$/.exec(word);
  if (m) return `${m[1]}yz${m[2]}`;
  // colour, behaviour, favourite; not hour, your, four, tour (too short) or contour.
  m = /^(\w{2,})our(s|ed|ing|al|able|ite|ites)?$/.exec(word);
  if (m && !OUR_KEPT.has(`${m[1]}our`)) return `${m[1]}or${m[2] ?? ''}`;
  m = /^(\w{3,})tre(s|d)?$/.exec(word);
  if (m) return `${m[1]}ter${m[2] ?? ''}`;
  m = /^(\w{3,})ogue(s?)$/.exec(word);
  if (m) return `${m[1]}og${m[2]}`;
  return WHOLE.get(word) ?? word;
}
