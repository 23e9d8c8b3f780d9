// Discovery + client credentials with openid-client (npm), against the local Cognito.
// In:  COGNITO_DISCOVERY_URL, COGNITO_M2M_CLIENT_ID, COGNITO_M2M_CLIENT_SECRET,
//      COGNITO_RESOURCE_SCOPE (environment; the secret never on the command line)
// Out: one JSON line: the endpoints discovery found and the token's shape (no token).
import { Issuer } from "openid-client";

const env = process.env;
const issuer = await Issuer.discover(env.COGNITO_DISCOVERY_URL);
const client = new issuer.Client({
  client_id: env.COGNITO_M2M_CLIENT_ID,
  client_secret: env.COGNITO_M2M_CLIENT_SECRET,
  token_endpoint_auth_method: env.AUTH_METHOD || "client_secret_basic",
});
const out = {
  issuer: issuer.issuer,
  token_endpoint: issuer.token_endpoint,
  auth_methods: issuer.token_endpoint_auth_methods_supported,
};
try {
  const tokens = await client.grant({ grant_type: "client_credentials", scope: env.COGNITO_RESOURCE_SCOPE });
  const claims = JSON.parse(Buffer.from(tokens.access_token.split(".")[1], "base64url").toString());
  Object.assign(out, { token_type: tokens.token_type, expires_in: tokens.expires_in,
                       scope: claims.scope, client_id: claims.client_id, token_use: claims.token_use });
} catch (err) {
  out.error = err.error || String(err.message || err);
}
console.log(JSON.stringify(out));
