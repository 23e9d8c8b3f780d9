// Cognito SECRET_HASH and a USER_PASSWORD_AUTH sign-in with Node's crypto and
// the AWS SDK for JavaScript v3.
//
//   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
//
// Everything comes from the environment: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
// COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
// COGNITO_ENDPOINT_URL. Run it on a server: a client secret never belongs in a browser.
//
//   npm ci
//   node signin.mjs hash     # print the SECRET_HASH only
//   node signin.mjs signin   # call InitiateAuth; prints the outcome, never a token
//
// SNIPPET_MISTAKE=hex shows the classic bug: digest('hex') instead of digest('base64').
// Any other SNIPPET_MISTAKE value is refused (exit 2): unset, it runs the right code.
import { createHmac } from "node:crypto";

// mistake(name): does SNIPPET_MISTAKE switch on this snippet's mistake? Another value
// is refused, so a typo never runs the right code by surprise.
function mistake(name) {
  const value = process.env.SNIPPET_MISTAKE ?? "";
  if (value !== "" && value !== name) {
    console.error(`error: SNIPPET_MISTAKE=${value} is not known here: this snippet shows SNIPPET_MISTAKE=${name} (see its header); unset SNIPPET_MISTAKE for the right hash`);
    process.exit(2);
  }
  return value === name;
}

export function secretHash(username, clientId, clientSecret) {
  const hmac = createHmac("sha256", clientSecret).update(username + clientId);
  if (mistake("hex")) {
    return hmac.digest("hex"); // WRONG: Cognito wants base64, not hex
  }
  return hmac.digest("base64");
}

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`error: set ${name}`);
    process.exit(2);
  }
  return value;
}

async function signIn(clientId, clientSecret, username) {
  // Imported here so that `hash` works before `npm ci`.
  const { CognitoIdentityProviderClient, InitiateAuthCommand } = await import(
    "@aws-sdk/client-cognito-identity-provider"
  );
  const client = new CognitoIdentityProviderClient({
    endpoint: process.env.COGNITO_ENDPOINT_URL || undefined, // unset: the real regional endpoint
  });
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: clientId,
        AuthParameters: {
          USERNAME: username,
          PASSWORD: env("COGNITO_PASSWORD"),
          SECRET_HASH: secretHash(username, clientId, clientSecret),
        },
      }),
    );
    console.log(out.AuthenticationResult ? "signed in: got tokens" : `challenge: ${out.ChallengeName}`);
  } catch (err) {
    console.log(`${err.name}: ${err.message}`);
    process.exitCode = 1;
  }
}

const clientId = env("COGNITO_CLIENT_ID");
const clientSecret = env("COGNITO_CLIENT_SECRET");
const username = env("COGNITO_USERNAME");
const mode = process.argv[2] ?? "hash";

if (mode === "hash") {
  console.log(secretHash(username, clientId, clientSecret));
} else if (mode === "signin") {
  await signIn(clientId, clientSecret, username);
} else {
  console.error("usage: node signin.mjs [hash|signin]");
  process.exit(2);
}
