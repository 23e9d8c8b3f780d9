// A USER_PASSWORD_AUTH sign-in with the AWS SDK for Java 2.x
// (software.amazon.awssdk:cognitoidentityprovider), using SecretHash.compute.
//
// Reads COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET, COGNITO_USERNAME,
// COGNITO_PASSWORD, AWS_REGION and, for a local Cognito, COGNITO_ENDPOINT_URL.
// Prints the outcome, never a token.
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClientBuilder;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.CognitoIdentityProviderException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InitiateAuthResponse;

public final class SignIn {
    public static void main(String[] args) {
        String clientId = SecretHash.env("COGNITO_CLIENT_ID");
        String username = SecretHash.env("COGNITO_USERNAME");
        String secretHash = SecretHash.compute(username, clientId, SecretHash.env("COGNITO_CLIENT_SECRET"));

        // InitiateAuth is a public API: no AWS credentials needed. Region: AWS_REGION.
        CognitoIdentityProviderClientBuilder builder = CognitoIdentityProviderClient.builder()
                .credentialsProvider(AnonymousCredentialsProvider.create());
        String endpoint = System.getenv("COGNITO_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        try (CognitoIdentityProviderClient cognito = builder.build()) {
            InitiateAuthResponse out = cognito.initiateAuth(r -> r
                    .authFlow(AuthFlowType.USER_PASSWORD_AUTH)
                    .clientId(clientId)
                    .authParameters(Map.of(
                            "USERNAME", username,
                            "PASSWORD", SecretHash.env("COGNITO_PASSWORD"),
                            "SECRET_HASH", secretHash)));
            System.out.println(out.authenticationResult() != null
                    ? "signed in: got tokens" : "challenge: " + out.challengeNameAsString());
        } catch (CognitoIdentityProviderException e) {
            System.out.println(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
            System.exit(1);
        }
    }
}
