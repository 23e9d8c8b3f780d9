// The AWS SDK for JavaScript v3 and amazon-cognito-identity-js against the local Cognito,
// for tests/test_clients_matrix.py. Settings from the environment (the --env-file of
// `python -m cognito_helpers local --demo`); one JSON line per case on stdout, tokens and
// secrets never printed (only claims that are not secret).
import { createHmac } from "node:crypto";
import {
  AdminCreateUserCommand, AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient, InitiateAuthCommand, SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  AuthenticationDetails, CognitoUser, CognitoUserPool,
} from "amazon-cognito-identity-js";

const env = (name) => {
  const v = process.env[name];
  if (!v) { console.error(`error: set ${name}`); process.exit(2); }
  return v;
};
const endpoint = env("COGNITO_ENDPOINT_URL");
const region = env("AWS_REGION");
const clientId = env("COGNITO_CLIENT_ID");
const secret = env("COGNITO_CLIENT_SECRET");
const username = env("COGNITO_USERNAME");
const password = env("COGNITO_PASSWORD");
const hash = (u, s = secret) => createHmac("sha256", s).update(u + clientId).digest("base64");
const emit = (v) => console.log(JSON.stringify(v));
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

const sdk = new CognitoIdentityProviderClient({ region, endpoint, maxAttempts: 1 });
async function sdkCase(name, command, extra = () => ({})) {
  try {
    const out = await sdk.send(command);
    emit({ case: name, code: "", message: "", ...extra(out) });
  } catch (e) {
    emit({ case: name, code: e.name, message: e.message });
  }
}

const auth = (h) => new InitiateAuthCommand({
  ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH",
  AuthParameters: { USERNAME: username, PASSWORD: password, ...(h ? { SECRET_HASH: h } : {}) },
});
await sdkCase("sdk_signin", auth(hash(username)), (out) => {
  const id = claims(out.AuthenticationResult.IdToken);
  return { tokens: true, email: id.email, token_use: id.token_use, username_claim: id["cognito:username"] };
});
await sdkCase("sdk_wrong_hash", auth(hash(username, secret + "x")));
await sdkCase("sdk_no_hash", auth(null));
await sdkCase("sdk_signup_taken", new SignUpCommand({
  ClientId: clientId, Username: username, Password: password, SecretHash: hash(username),
}));

// Lockout (developer guide, "user pool authentication"): five wrong passwords in a row,
// then even the right one is refused for a while. A user of its own, on the public client.
{
  const poolId = env("COGNITO_USER_POOL_ID");
  const publicId = env("COGNITO_PUBLIC_CLIENT_ID");
  const victim = `js-lock-${Date.now().toString(36)}`;
  await sdk.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: victim, MessageAction: "SUPPRESS" }));
  await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: victim, Password: password, Permanent: true }));
  const login = (pw) => new InitiateAuthCommand({
    ClientId: publicId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: victim, PASSWORD: pw },
  });
  for (let i = 0; i < 5; i++) await sdkCase(`lockout_wrong_${i + 1}`, login(password + "x"));
  await sdkCase("lockout_right_password", login(password));
}

// amazon-cognito-identity-js cannot send a SECRET_HASH: SRP against the client without one.
const pool = new CognitoUserPool({
  UserPoolId: env("COGNITO_USER_POOL_ID"), ClientId: env("COGNITO_PUBLIC_CLIENT_ID"), endpoint,
});
function srp(name, pw) {
  return new Promise((resolve) => {
    const user = new CognitoUser({ Username: username, Pool: pool });
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: pw }), {
      onSuccess: (session) => {
        const id = session.getIdToken().payload;
        emit({ case: name, code: "", message: "", tokens: session.isValid(), email: id.email,
               aud: id.aud, token_use: id.token_use });
        resolve();
      },
      onFailure: (e) => { emit({ case: name, code: e.code || e.name, message: e.message }); resolve(); },
    });
  });
}
await srp("srp_signin", password);
await srp("srp_wrong_password", password + "x");
