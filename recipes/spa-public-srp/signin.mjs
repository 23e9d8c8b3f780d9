// A single-page app's sign-in that keeps no secret: a public app client (no client
// secret) and SRP, the way amazon-cognito-identity-js (and Amplify, which builds on
// it) signs in by default. The same code runs in a browser bundle; here it runs on
// Node.js so a test can drive it against the local Cognito.
//
// Reads COGNITO_USER_POOL_ID, COGNITO_PUBLIC_CLIENT_ID (else COGNITO_CLIENT_ID),
// COGNITO_USERNAME, COGNITO_PASSWORD and, for the local Cognito, COGNITO_ENDPOINT_URL.
// Prints what happened, never a token or the password. Exit 0 signed in, 1 refused,
// 2 a setting is missing.
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";

const env = process.env;
const settings = {
  COGNITO_USER_POOL_ID: env.COGNITO_USER_POOL_ID,
  COGNITO_PUBLIC_CLIENT_ID: env.COGNITO_PUBLIC_CLIENT_ID || env.COGNITO_CLIENT_ID,
  COGNITO_USERNAME: env.COGNITO_USERNAME,
  COGNITO_PASSWORD: env.COGNITO_PASSWORD,
};
const missing = Object.entries(settings).filter(([, v]) => !v).map(([k]) => k);
if (missing.length) {
  console.error(`set ${missing.join(", ")} in the environment (see recipes/README.md)`);
  process.exit(2);
}

const pool = new CognitoUserPool({
  UserPoolId: settings.COGNITO_USER_POOL_ID,
  ClientId: settings.COGNITO_PUBLIC_CLIENT_ID,
  // Only for the local Cognito; a real pool's endpoint comes from the pool id's region.
  ...(env.COGNITO_ENDPOINT_URL ? { endpoint: env.COGNITO_ENDPOINT_URL } : {}),
});
const user = new CognitoUser({ Username: settings.COGNITO_USERNAME, Pool: pool });
// USER_SRP_AUTH is the library's default; said here so the reader sees it. The client
// needs ALLOW_USER_SRP_AUTH in its ExplicitAuthFlows, and no secret.
user.setAuthenticationFlowType("USER_SRP_AUTH");

user.authenticateUser(
  new AuthenticationDetails({
    Username: settings.COGNITO_USERNAME, Password: settings.COGNITO_PASSWORD,
  }),
  {
    onSuccess(session) {
      const audience = session.getIdToken().decodePayload().aud;
      console.log(`signed in with USER_SRP_AUTH: got tokens for app client ${audience}`);
    },
    onFailure(err) {
      console.log(`${err.code || err.name}: ${err.message}`);
      process.exitCode = 1;
    },
    newPasswordRequired() {
      console.log("NEW_PASSWORD_REQUIRED: the user must choose a new password first");
      process.exitCode = 1;
    },
  },
);
