import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/text/tokenize.js';

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

  it('ignores link targets and bare URLs', () => {
    expect(tokenize('See [the guide](https://example.com/secret_path) at https://x.y/z')).toEqual(['see', 'guid']);
  });
});
