/** The UpstreamError a promise rejects with; fails the test when it resolves or rejects with anything else. */
import { expect } from 'chai';
import { UpstreamError } from '../../lib/llm/errors.ts';

export async function rejection(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(UpstreamError);
    return err as UpstreamError;
  }
  throw new Error('expected a rejection');
}
