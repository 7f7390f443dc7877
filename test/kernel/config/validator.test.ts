import { expect } from 'chai';
import { Ajv } from 'ajv';
import { CONFIG_SCHEMA } from '../../../kernel/config/schema.ts';
import { configValidator } from '../../../kernel/config/validator.ts';

describe('config validator', () => {
  // After the first start it comes from the cached generated code: it must judge as a fresh compile does.
  it('fills defaults and reports errors as the schema compiled afresh does', () => {
    const fresh = new Ajv({ allErrors: true, strict: false, useDefaults: true }).compile(CONFIG_SCHEMA);
    const validate = configValidator();
    for (const document of [{}, { basic: { commandPrefix: '!' } }, { basic: { debug: 'yes', commandPrefix: '' }, nope: 1 }]) {
      const [a, b] = [structuredClone(document), structuredClone(document)];
      expect(validate(a)).to.equal(fresh(b));
      expect(a).to.deep.equal(b);
      expect(validate.errors ?? null).to.deep.equal(fresh.errors ?? null);
    }
  });
});
