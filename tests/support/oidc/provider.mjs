// A real OpenID Connect provider for Leerweek's sign-in tests: panva's certified `oidc-provider`
// on a free loopback port, with one confidential client and a login form that accepts any
// account (the test says who it is). Prints "ready <issuer>" when it listens.
//
//   node tests/support/oidc/provider.mjs REDIRECT_URI CLIENT_ID CLIENT_SECRET
//
// The login form (POST /interaction/<uid>/login) takes `email` (empty: no address), and
// optionally `subject` (the stable `sub`, default: the address), `verified` (`false` sends
// email_verified=false, `omit` sends no email_verified, as Entra ID does), `name` and
// `username` (preferred_username). Login and consent are given in one step, as a company IdP does for a first-party app.
// Claims follow the spec strictly (conformIdTokenClaims): the ID token carries `sub` only and
// e-mail and name come from the userinfo endpoint, the harder path for a client.

import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const [redirectUri, clientId, clientSecret] = process.argv.slice(2);
if (!redirectUri || !clientId || !clientSecret) {
  console.error('usage: provider.mjs REDIRECT_URI CLIENT_ID CLIENT_SECRET');
  process.exit(2);
}

const accounts = new Map();
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    jwks: { keys: [jwk] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      const claims = { sub, email: a.email || undefined, email_verified: a.verified, name: a.name, preferred_username: a.username };
      return { accountId: sub, claims: async () => claims };
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
  const oidc = provider.callback();

  server.on('request', async (req, res) => {
    const m = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
    if (!m) return oidc(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><title>Test IdP</title><form method="post" action="/interaction/${details.uid}/login">
<label>E-mail <input name="email"></label><input name="subject"><input name="verified"><input name="name"><input name="username">
<button>Log in</button></form>`);
        return;
      }
      const form = new URLSearchParams(await body(req));
      const email = form.get('email');
      const sub = form.get('subject') || email;
      const said = form.get('verified');
      const verified = said === 'false' ? false : said === 'omit' ? undefined : true;
      accounts.set(sub, { email, verified, name: form.get('name') || email || sub, username: form.get('username') || undefined });
      const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res,
        { login: { accountId: sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (err) {
      console.error('interaction failed', err);
      res.statusCode = 400;
      res.end(String(err));
    }
  });
  console.log(`ready ${issuer}`);
});

function body(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { data += c; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
