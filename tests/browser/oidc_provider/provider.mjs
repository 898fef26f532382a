// A real OpenID provider for the sign-in tests: panva's certified oidc-provider on loopback.
// Its development login form accepts any name and password (the account is the name given);
// discovery, authorisation, PKCE, tokens and signed ID tokens are the provider's own.
// Configured by environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false, // the claims travel in the ID token, as Entra ID sends them
  cookies: { keys: ['tests-only-cookie-key'] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: `Officer ${id.split('@')[0]}` };
      },
    };
  },
});
provider.listen(port, '127.0.0.1', () => console.log('ready'));
