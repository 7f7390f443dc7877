/** Request schemas of the auth routes. */
export const GROUP_ID = '^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$';

export const loginBody = {
  type: 'object',
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 256 },
    password: { type: 'string', minLength: 1, maxLength: 256 },
    fingerprint: { type: 'string', maxLength: 256 },
  },
};

export const loginLinkBody = {
  type: 'object',
  properties: {
    groupId: { type: 'string', pattern: GROUP_ID },
    permanent: { type: 'boolean' },
    rotate: { type: 'boolean' },
  },
  additionalProperties: false,
};

export const permanentBody = {
  type: 'object',
  properties: { forceNew: { type: 'boolean' } },
};
