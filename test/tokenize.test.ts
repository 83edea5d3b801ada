import { describe, expect, it } from 'vitest';
import { stemmer } from 'stemmer';
import { identifiers, tokenize } from '../src/text/tokenize.js';

describe('tokenizing for search', () => {
  it('keeps camelCase identifiers whole and splits them into stemmed parts', () => {
    expect(tokenize('getAuthorizationUrl')).toEqual(['getauthorizationurl', 'get', 'author', 'url']);
  });

  it('keeps dotted event names and snake_case codes whole and by parts', () => {
    expect(tokenize('dsync.user.created')).toEqual(['dsync.user.created', 'dsync', 'user', 'creat']);
    expect(tokenize('organization_selection_required')).toEqual(['organization_selection_required', 'organ', 'select', 'requir']);
  });

  it('stems words, drops stopwords and joins hyphenated words', () => {
    expect(tokenize('Only invited people can sign-up')).toEqual(['invit', 'peopl', 'signup', 'sign', 'up']);
  });

  it('keeps a customer apart from custom, which Porter stems alike, and custom with customize', () => {
    expect(tokenize("a customer's custom domain; customers customize it")).toEqual(['customer', 'custom', 'domain', 'customer', 'custom']);
    expect(tokenize('Customer')).toEqual(tokenize('customers'));
  });

  it('stems a word and its inflections alike where Porter does not: add, embed, status, focus, alias, exceed, notifications', () => {
    const families = [
      ['add', 'adds', 'added', 'adding'],
      ['embed', 'embeds', 'embedded', 'embedding'],
      ['status', 'statuses'],
      ['focus', 'focuses', 'focused', 'focusing'],
      ['alias', 'aliases'],
      ['corpus', 'corpuses'],
      ['exceed', 'exceeds', 'exceeded', 'exceeding'],
      ['succeed', 'succeeds', 'succeeded'],
      ['notification', 'notifications', 'notify'],
      ['specification', 'specifications', 'specify'],
    ];
    for (const family of families) expect(new Set(family.flatMap((w) => tokenize(w))), family.join(' ')).toHaveLength(1);
    // Words in -ous and plurals of words in -a keep Porter's stems.
    expect(['previous', 'various', 'schemas', 'areas'].flatMap((w) => tokenize(w))).toEqual(['previou', 'variou', 'schema', 'area']);
  });

  it('meets each American spelling with its British one, in every form', () => {
    const pairs = [
      ['organisation', 'organization'],
      ['organisational', 'organizational'],
      ['authorised', 'authorized'],
      ['customisable', 'customizable'],
      ['initialising', 'initializing'],
      ['standardise', 'standardize'],
      ['criticised', 'criticized'],
      ['analysed', 'analyzed'],
      ['behavioural', 'behavioral'],
      ['colourful', 'colorful'],
      ['neighbourhood', 'neighborhood'],
      ['favourite', 'favorite'],
      ['centre', 'center'],
      ['centred', 'centered'],
      ['fibres', 'fibers'],
      ['catalogue', 'catalog'],
      ['catalogued', 'cataloged'],
      ['licence', 'license'],
      ['licencing', 'licensing'],
      ['practise', 'practice'],
      ['judgement', 'judgment'],
    ];
    for (const [british, american] of pairs) expect(tokenize(british as string), british).toEqual(tokenize(american as string));
  });

  it('leaves words spelled so in American English too as Porter stems them', () => {
    const words = [
      'enterprise', 'promise', 'promised', 'premises', 'uncompromising', 'otherwise', 'bitwise', 'precise', 'exercise', 'revised',
      'advertising', 'surprise', 'franchise', 'merchandise', 'paradise', 'despise', 'improvisation', 'sunrise', 'raise', 'praised',
      'noise', 'cruise', 'disguise', 'hour', 'four', 'tour', 'contour', 'downpour', 'rogue', 'hatred', 'string', 'macabre',
    ];
    expect(words.flatMap((w) => tokenize(w))).toEqual(words.map((w) => stemmer(w)));
  });

  it('ignores link targets and bare URLs', () => {
    expect(tokenize('See [the guide](https://example.com/secret_path) at https://x.y/z')).toEqual(['see', 'guid']);
  });

  it('finds code identifiers in a question and leaves prose, brand names and hyphenated words alone', () => {
    expect(identifiers('Why does deactivateOrganizationMembership fail with organization_membership_not_found?')).toEqual([
      'deactivateorganizationmembership',
      'organization_membership_not_found',
    ]);
    expect(identifiers('When is dsync.user.created sent to GET /user_management/users?')).toEqual(['dsync.user.created', 'user_management/users']);
    expect(identifiers('WorkOS AuthKit end-to-end tests, e.g. on v1.2')).toEqual([]);
  });

  it('keeps hyphenated header names whole and by their parts', () => {
    expect(tokenize('X-API-Key')).toEqual(['xapikey', 'api', 'kei']);
    expect(tokenize('WorkOS-Signature')).toEqual(['workossignature', 'work', 'os', 'signatur']);
  });

  it('finds header names among a question\'s identifiers, with and without the X- prefix, but leaves hyphenated prose alone', () => {
    expect(identifiers('send X-API-Key, not x-workos-signature')).toEqual(['xapikey', 'apikey', 'xworkossignature', 'workossignature']);
    expect(identifiers('Is WorkOS-Signature or Content-Type checked?')).toEqual(['workossignature', 'xworkossignature', 'contenttype', 'xcontenttype']);
    expect(identifiers('a sign-up for multi-tenant, Inngest-powered apps on application/x-www-form-urlencoded')).toEqual(['application/xwwwformurlencoded']);
  });

  it('drops the leftovers of contractions', () => {
    expect(tokenize("we've verified it, but it isn't shown")).toEqual(['verifi', 'shown']);
  });
});
