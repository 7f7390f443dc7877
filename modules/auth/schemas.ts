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

/** `POST /api/group-admin/login` (the original's path): the login token is the `code`. */
export const groupLoginBody = {
  type: 'object',
  properties: { code: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['code'],
};

/** `?token=` of the original's login link (`GET /login/token`) and of `GET /api/auth/verify-token`. */
export const loginTokenQuery = {
  type: 'object',
  properties: { token: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['token'],
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
