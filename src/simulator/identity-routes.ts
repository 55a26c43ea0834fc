// Identity (Keystone v2 as NHN Cloud documents it): POST /v2.0/tokens issues a token for
// the configured tenant/user/password and returns a service catalog whose `nasv1` entry
// points at this server's region prefixes. Errors use Keystone's `{"error":{…}}` body.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SIM_REGIONS, type SimQuirks, type SimulatorCredentials } from './contract.ts';
import { keystoneErrorBody } from './envelope.ts';
import type { SimAccount } from './model.ts';
import { quirkCatalog } from './quirks-render.ts';
import { keystoneExpires, keystoneIssuedAt } from './time-format.ts';
import type { IssuedToken, TokenStore } from './tokens.ts';
import { checkWith } from './validation.ts';

export const TOKENS_PATH = '/v2.0/tokens';

// Keystone tolerates extra fields; the documented ones are required.
const TokenRequest = z.looseObject({
  auth: z.looseObject({
    tenantId: z.string().min(1),
    passwordCredentials: z.looseObject({ username: z.string().min(1), password: z.string().min(1) }),
  }),
});

export interface IdentityDeps {
  credentials: SimulatorCredentials;
  account: SimAccount;
  tokens: TokenStore;
  baseUrl: () => string;
  /** Quirks in force (odd catalog entries); none when absent. */
  quirks?: () => SimQuirks;
}

export function serviceCatalog(baseUrl: string, tenantId: string) {
  const endpoints = (path: (region: string) => string) =>
    SIM_REGIONS.map((region) => ({ region, publicURL: `${baseUrl}${path(region.toLowerCase())}` }));
  // Unrelated entries come first so clients must pick the NAS endpoint by type.
  return [
    { type: 'compute', name: 'nova', endpoints: endpoints((r) => `/compute/${r}/v2/${tenantId}`) },
    { type: 'network', name: 'neutron', endpoints: endpoints((r) => `/network/${r}`) },
    { type: 'nasv1', name: 'nas', endpoints: endpoints((r) => `/${r}`) },
    { type: 'volumev2', name: 'cinderv2', endpoints: endpoints((r) => `/volume/${r}/v2/${tenantId}`) },
  ];
}

function tokenResponse(deps: IdentityDeps, token: IssuedToken) {
  const { account } = deps;
  return {
    access: {
      token: {
        id: token.id,
        expires: keystoneExpires(token.expiresAt),
        issued_at: keystoneIssuedAt(token.issuedAt),
        tenant: { id: token.tenantId, name: account.projectId, description: null, enabled: true, project_domain: 'NORMAL' },
      },
      serviceCatalog: deps.quirks ? quirkCatalog(deps.quirks(), serviceCatalog(deps.baseUrl(), token.tenantId)) : serviceCatalog(deps.baseUrl(), token.tenantId),
      user: {
        id: account.userId,
        username: account.username,
        name: account.username,
        roles: [{ name: 'Member' }],
        roles_links: [],
      },
      metadata: { is_admin: 0, roles: ['9fe2ff9ee4384b1894a90878d3e92bab'] },
    },
  };
}

export function registerIdentityRoutes(app: FastifyInstance, deps: IdentityDeps): void {
  app.post(TOKENS_PATH, async (request, reply) => {
    const parsed = checkWith(TokenRequest, request.body, 'body');
    if (!parsed.ok) return reply.code(400).send(keystoneErrorBody(400, `Invalid request: ${parsed.message}`));
    const { tenantId, passwordCredentials } = parsed.value.auth;
    const { credentials } = deps;
    if (
      tenantId !== credentials.tenantId ||
      passwordCredentials.username !== credentials.username ||
      passwordCredentials.password !== credentials.password
    ) {
      return reply.code(401).send(keystoneErrorBody(401, 'The request you have made requires authentication.'));
    }
    return reply.code(200).send(tokenResponse(deps, deps.tokens.issue(tenantId)));
  });
}
