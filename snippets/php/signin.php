<?php
// Cognito SECRET_HASH with hash_hmac, and a USER_PASSWORD_AUTH sign-in with the
// AWS SDK for PHP v3 (composer require aws/aws-sdk-php).
//
//   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
//
// Everything comes from the environment: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
// COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
// COGNITO_ENDPOINT_URL.
//
//   php signin.php hash     # print the SECRET_HASH only (no SDK needed)
//   php signin.php signin   # call InitiateAuth; prints the outcome, never a token
//
// SNIPPET_MISTAKE=hex shows PHP's classic bug: hash_hmac() without `true` returns
// hex text, and base64 of that hex is 88 characters that Cognito never accepts.
// Any other SNIPPET_MISTAKE value is refused (exit 2): unset, it runs the right code.

// mistake($name): does SNIPPET_MISTAKE switch on this snippet's mistake? Another value is refused.
function mistake(string $name): bool
{
    $value = getenv('SNIPPET_MISTAKE');
    $value = $value === false ? '' : $value; // not ?: (PHP takes '0' as false)
    if ($value !== '' && $value !== $name) {
        fwrite(STDERR, "error: SNIPPET_MISTAKE=$value is not known here: this snippet shows SNIPPET_MISTAKE=$name (see its header); unset SNIPPET_MISTAKE for the right hash\n");
        exit(2);
    }
    return $value === $name;
}

function secretHash(string $username, string $clientId, string $clientSecret): string
{
    if (mistake('hex')) {
        return base64_encode(hash_hmac('sha256', $username . $clientId, $clientSecret)); // WRONG
    }
    return base64_encode(hash_hmac('sha256', $username . $clientId, $clientSecret, true));
}

function env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        fwrite(STDERR, "error: set $name\n");
        exit(2);
    }
    return $value;
}

function signIn(string $clientId, string $clientSecret, string $username): int
{
    require __DIR__ . '/vendor/autoload.php';

    $client = new Aws\CognitoIdentityProvider\CognitoIdentityProviderClient(array_filter([
        'version' => '2016-04-18',
        'region' => env('AWS_REGION'),
        'endpoint' => getenv('COGNITO_ENDPOINT_URL') ?: null,
    ]));
    try {
        $out = $client->initiateAuth([
            'AuthFlow' => 'USER_PASSWORD_AUTH',
            'ClientId' => $clientId,
            'AuthParameters' => [
                'USERNAME' => $username,
                'PASSWORD' => env('COGNITO_PASSWORD'),
                'SECRET_HASH' => secretHash($username, $clientId, $clientSecret),
            ],
        ]);
    } catch (Aws\Exception\AwsException $e) {
        echo $e->getAwsErrorCode(), ': ', $e->getAwsErrorMessage(), "\n";
        return 1;
    }
    echo isset($out['AuthenticationResult']) ? "signed in: got tokens\n" : "challenge: {$out['ChallengeName']}\n";
    return 0;
}

$clientId = env('COGNITO_CLIENT_ID');
$clientSecret = env('COGNITO_CLIENT_SECRET');
$username = env('COGNITO_USERNAME');

switch ($argv[1] ?? 'hash') {
    case 'hash':
        echo secretHash($username, $clientId, $clientSecret), "\n";
        break;
    case 'signin':
        exit(signIn($clientId, $clientSecret, $username));
    default:
        fwrite(STDERR, "usage: php signin.php [hash|signin]\n");
        exit(2);
}
