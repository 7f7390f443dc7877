import { expect } from 'chai';
import { isMasked, maskKey } from '../../kernel/mask.ts';

describe('kernel/mask', () => {
  describe('maskKey', () => {
    it('shows the prefix and the last four characters only', () => {
      expect(maskKey('sk-proj-abcdefghijklmnopwxyz')).to.equal('sk-****wxyz');
      expect(maskKey('AIzaSyA1234567890abcd')).to.equal('AIz****abcd');
      expect(maskKey('short')).to.equal('****');
      expect(maskKey('')).to.equal('');
    });
    it('recognises masked values', () => {
      expect(isMasked(maskKey('sk-abcdefghijklmnop'))).to.equal(true);
      expect(isMasked('sk-abcdefghijklmnop')).to.equal(false);
      expect(isMasked(undefined)).to.equal(false);
    });
  });
});
