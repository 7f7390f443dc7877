/**
 * The configuration sections the kernel declares itself: only what the kernel reads (`web`: its port
 * and host, the public URL of login links, the JWT lifetime). Every other section is declared by the
 * module that owns it (docs/modules.md#lifetimes, a definition's `config`).
 * Secrets (JWT secret, login tokens, channel keys) are not configuration: they are refused here.
 */
import type { ConfigSections } from '../types.ts';

/** Keys that hold secrets: they live in their own 0600 files, never in the configuration. */
export const SECRET_PATHS = ['web.jwtSecret', 'web.permanentAuthToken', 'web.groupAdminSecret'];

const httpUrl = { type: 'string', pattern: '^https?://' };

export const KERNEL_SECTIONS: ConfigSections = {
  web: {
    schema: {
      type: 'object',
      default: {},
      properties: {
        // Used when the PORT / HOST environment variables are not set (env wins).
        port: { type: 'integer', default: 3000, minimum: 0, maximum: 65535 },
        host: { type: 'string', default: '127.0.0.1', minLength: 1 },
        sharePort: { type: 'boolean', default: false },
        mountPath: { type: 'string', default: '/chatai' },
        publicUrl: { type: 'string', default: '', anyOf: [{ maxLength: 0 }, httpUrl] },
        loginLinks: {
          type: 'array',
          default: [],
          items: { type: 'object', required: ['label', 'baseUrl'], properties: { label: { type: 'string', minLength: 1 }, baseUrl: httpUrl } },
        },
        /** JWT lifetime in seconds (docs/http.md#authentication). */
        jwtTtl: { type: 'integer', default: 2592000, minimum: 60 },
        ...Object.fromEntries(SECRET_PATHS.map((p) => [p.split('.')[1], false])),
      },
    },
  },
};
