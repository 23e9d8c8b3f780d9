// Cognito SECRET_HASH and a USER_PASSWORD_AUTH sign-in with the AWS SDK for Go v2.
//
//	SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
//
// Everything comes from the environment: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
// COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
// COGNITO_ENDPOINT_URL.
//
//	go run . hash     # print the SECRET_HASH only (go.mod pins the SDK; go.sum its checksums)
//	go run . signin   # call InitiateAuth; prints the outcome, never a token
//
// SNIPPET_MISTAKE=hex shows the classic bug: hex.EncodeToString instead of base64.
// Any other SNIPPET_MISTAKE value is refused (exit 2): unset, it runs the right code.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// secretHash is the whole trick: HMAC-SHA256 keyed with the secret, base64 (standard, padded).
func secretHash(username, clientID, clientSecret string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username + clientID))
	sum := mac.Sum(nil)
	if mistake("hex") {
		return hex.EncodeToString(sum) // WRONG: Cognito wants base64, not hex
	}
	return base64.StdEncoding.EncodeToString(sum)
}

// mistake says whether SNIPPET_MISTAKE switches on this snippet's mistake (name);
// another value is refused, so a typo never runs the right code by surprise.
func mistake(name string) bool {
	v := os.Getenv("SNIPPET_MISTAKE")
	if v != "" && v != name {
		fmt.Fprintf(os.Stderr, "error: SNIPPET_MISTAKE=%s is not known here: this snippet shows SNIPPET_MISTAKE=%s (see its header); unset SNIPPET_MISTAKE for the right hash\n", v, name)
		os.Exit(2)
	}
	return v == name
}

func mustEnv(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "error: set %s\n", name)
		os.Exit(2)
	}
	return v
}

func signIn(ctx context.Context, clientID, clientSecret, username string) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	client := cip.NewFromConfig(cfg, func(o *cip.Options) {
		if url := os.Getenv("COGNITO_ENDPOINT_URL"); url != "" {
			o.BaseEndpoint = aws.String(url) // unset: the real regional endpoint
		}
	})
	out, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: aws.String(clientID),
		AuthParameters: map[string]string{
			"USERNAME":    username,
			"PASSWORD":    mustEnv("COGNITO_PASSWORD"),
			"SECRET_HASH": secretHash(username, clientID, clientSecret),
		},
	})
	if err != nil {
		return err
	}
	if out.AuthenticationResult != nil {
		fmt.Println("signed in: got tokens")
	} else {
		fmt.Printf("challenge: %s\n", out.ChallengeName)
	}
	return nil
}

func main() {
	clientID := mustEnv("COGNITO_CLIENT_ID")
	clientSecret := mustEnv("COGNITO_CLIENT_SECRET")
	username := mustEnv("COGNITO_USERNAME")

	mode := "hash"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "hash":
		fmt.Println(secretHash(username, clientID, clientSecret))
	case "signin":
		if err := signIn(context.Background(), clientID, clientSecret, username); err != nil {
			var apiErr smithy.APIError
			if errors.As(err, &apiErr) {
				fmt.Printf("%s: %s\n", apiErr.ErrorCode(), apiErr.ErrorMessage())
			} else {
				fmt.Printf("error: %v\n", err)
			}
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: go run . [hash|signin]")
		os.Exit(2)
	}
}
