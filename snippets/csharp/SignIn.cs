// A USER_PASSWORD_AUTH sign-in with the AWS SDK for .NET (NuGet AWSSDK.CognitoIdentityProvider),
// using SecretHash.Compute. Both files have a Main: build this one with
// <StartupObject>SignIn</StartupObject> (see SignIn.csproj).
//
// Reads COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET, COGNITO_USERNAME, COGNITO_PASSWORD,
// AWS_REGION and, for a local Cognito, COGNITO_ENDPOINT_URL. Prints the outcome, never a token.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Amazon.CognitoIdentityProvider;
using Amazon.CognitoIdentityProvider.Model;
using Amazon.Runtime;

public static class SignIn
{
    public static async Task<int> Main()
    {
        string clientId = SecretHash.Env("COGNITO_CLIENT_ID");
        string username = SecretHash.Env("COGNITO_USERNAME");
        string secretHash = SecretHash.Compute(username, clientId, SecretHash.Env("COGNITO_CLIENT_SECRET"));

        var config = new AmazonCognitoIdentityProviderConfig(); // region: AWS_REGION
        string endpoint = Environment.GetEnvironmentVariable("COGNITO_ENDPOINT_URL");
        if (!string.IsNullOrEmpty(endpoint))
        {
            config.ServiceURL = endpoint;
        }
        // InitiateAuth is a public API: no AWS credentials are needed.
        using var cognito = new AmazonCognitoIdentityProviderClient(new AnonymousAWSCredentials(), config);
        try
        {
            var response = await cognito.InitiateAuthAsync(new InitiateAuthRequest
            {
                AuthFlow = AuthFlowType.USER_PASSWORD_AUTH,
                ClientId = clientId,
                AuthParameters = new Dictionary<string, string>
                {
                    ["USERNAME"] = username,
                    ["PASSWORD"] = SecretHash.Env("COGNITO_PASSWORD"),
                    ["SECRET_HASH"] = secretHash,
                },
            });
            Console.WriteLine(response.AuthenticationResult != null
                ? "signed in: got tokens" : "challenge: " + response.ChallengeName);
            return 0;
        }
        catch (AmazonCognitoIdentityProviderException e)
        {
            Console.WriteLine(e.ErrorCode + ": " + e.Message);
            return 1;
        }
    }
}
