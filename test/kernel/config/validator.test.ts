import { expect } from 'chai';
import { Ajv } from 'ajv';
import { declaredSections } from '../../../kernel/config/sections.ts';
import { compileSection } from '../../../kernel/config/validator.ts';
import configSections from '../../../modules/config/config.ts';
import memorySections from '../../../modules/memory/config.ts';
import presetsSections from '../../../modules/presets/config.ts';

describe('config validator', () => {
  // After the first start it comes from the cached generated code: it must judge as a fresh compile does.
  it('fills defaults and reports errors as the schema compiled afresh does', () => {
    const documents = [{}, { basic: { commandPrefix: '!' } }, { basic: { debug: 'yes', commandPrefix: '' }, web: { port: 'x', nope: 1 } }];
    for (const section of declaredSections({ config: configSections, memory: memorySections, presets: presetsSections }).inForce()) {
      const fresh = new Ajv({ allErrors: true, strict: false, useDefaults: true }).compile(section.schema);
      const validate = compileSection(section.schema);
      for (const document of documents) {
        const value = (document as Record<string, unknown>)[section.name] ?? structuredClone(section.schema.default);
        const [a, b] = [structuredClone(value), structuredClone(value)];
        expect(validate(a), section.name).to.equal(fresh(b));
        expect(a).to.deep.equal(b);
        expect(validate.errors ?? null).to.deep.equal(fresh.errors ?? null);
      }
    }
  });
});
