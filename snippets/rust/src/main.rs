// Cognito SECRET_HASH and a USER_PASSWORD_AUTH sign-in with the AWS SDK for Rust
// (aws-sdk-cognitoidentityprovider) and the RustCrypto hmac + sha2 crates.
//
//   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
//
// Everything comes from the environment: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
// COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
// COGNITO_ENDPOINT_URL.
//
//   cargo run -- hash     # print the SECRET_HASH only
//   cargo run -- signin   # call InitiateAuth; prints the outcome, never a token
//
// SNIPPET_MISTAKE=nopad shows the classic bug: base64's STANDARD_NO_PAD engine drops
// the trailing '=', and Cognito compares the whole 44-character text. Any other
// SNIPPET_MISTAKE value is refused (exit 2): unset, it runs the right code.
use std::process::exit;

use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

fn secret_hash(username: &str, client_id: &str, client_secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("any key length");
    mac.update(format!("{username}{client_id}").as_bytes());
    let digest = mac.finalize().into_bytes();
    if mistake("nopad") {
        return base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest); // WRONG: no '='
    }
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// Does SNIPPET_MISTAKE switch on this snippet's mistake? Another value is refused.
fn mistake(name: &str) -> bool {
    let value = std::env::var("SNIPPET_MISTAKE").unwrap_or_default();
    if !value.is_empty() && value != name {
        eprintln!("error: SNIPPET_MISTAKE={value} is not known here: this snippet shows SNIPPET_MISTAKE={name} (see its header); unset SNIPPET_MISTAKE for the right hash");
        exit(2);
    }
    value == name
}

fn env(name: &str) -> String {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => value,
        _ => {
            eprintln!("error: set {name}");
            exit(2);
        }
    }
}

async fn sign_in(client_id: &str, client_secret: &str, username: &str) -> Result<(), String> {
    // InitiateAuth is a public API: it needs no AWS credentials, so the client's own
    // Config is enough (with aws-config, `aws_config::load_defaults` does the same).
    let mut config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(env("AWS_REGION")));
    if let Ok(url) = std::env::var("COGNITO_ENDPOINT_URL") {
        if !url.is_empty() {
            config = config.endpoint_url(url); // unset: the real regional endpoint
        }
    }
    let client = aws_sdk_cognitoidentityprovider::Client::from_conf(config.build());
    let out = client
        .initiate_auth()
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .client_id(client_id)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", env("COGNITO_PASSWORD"))
        .auth_parameters("SECRET_HASH", secret_hash(username, client_id, client_secret))
        .send()
        .await
        .map_err(|err| {
            let err = err.into_service_error();
            match (err.code(), err.message()) {
                (Some(code), message) => format!("{code}: {}", message.unwrap_or("")),
                (None, _) => format!("error: {err}"),
            }
        })?;
    match out.authentication_result() {
        Some(_) => println!("signed in: got tokens"),
        None => println!("challenge: {:?}", out.challenge_name()),
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client_id = env("COGNITO_CLIENT_ID");
    let client_secret = env("COGNITO_CLIENT_SECRET");
    let username = env("COGNITO_USERNAME");
    match std::env::args().nth(1).as_deref().unwrap_or("hash") {
        "hash" => println!("{}", secret_hash(&username, &client_id, &client_secret)),
        "signin" => {
            if let Err(line) = sign_in(&client_id, &client_secret, &username).await {
                println!("{line}");
                exit(1);
            }
        }
        _ => {
            eprintln!("usage: cargo run -- [hash|signin]");
            exit(2);
        }
    }
}
